import pytest

from bot.assistant import CommandKind, parse_command


@pytest.mark.parametrize(
    ("text", "kind", "args"),
    [
        ("hilfe", CommandKind.HELP, ""),
        ("/Hilfe", CommandKind.HELP, ""),
        ("  HILFE!  ", CommandKind.HELP, ""),
        ("status", CommandKind.STATUS, ""),
        ("/status", CommandKind.STATUS, ""),
        ("abwesend 03.08.-14.08.", CommandKind.ABSENT, "03.08.-14.08."),
        ("/Abwesend 3.8.2026 bis 14.8.2026 Vertretung Tom Koch",
         CommandKind.ABSENT, "3.8.2026 bis 14.8.2026 Vertretung Tom Koch"),
        ("zurück", CommandKind.BACK, ""),
        ("Zurueck", CommandKind.BACK, ""),
        ("lücken", CommandKind.GAPS, ""),
        ("/LUECKEN", CommandKind.GAPS, ""),
        ("neu indexieren", CommandKind.REINDEX, ""),
        ("/Neu Indexieren", CommandKind.REINDEX, ""),
    ],
)  # fmt: skip
def test_commands_are_recognised(text: str, kind: CommandKind, args: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert command.kind is kind
    assert command.args == args


@pytest.mark.parametrize(
    "text",
    [
        "Wer kümmert sich um die Hundesteuer?",
        "Hundesteuer",
        "status der Bauakte?",  # only "abwesend" takes arguments
        "Hilfe beim Wohngeld",
        "zurückgeben Fundsache",
        "Abwesenheit von Frau Schneider: wer vertritt?",
    ],
)
def test_questions_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


def test_unknown_command_needs_a_slash() -> None:
    command = parse_command("/urlaubsplan zeigen")
    assert command is not None
    assert command.kind is CommandKind.UNKNOWN
    assert command.name == "urlaubsplan"


def test_admin_only_commands() -> None:
    assert parse_command("lücken").admin_only  # type: ignore[union-attr]
    assert parse_command("neu indexieren").admin_only  # type: ignore[union-attr]
    assert not parse_command("status").admin_only  # type: ignore[union-attr]
