"""All German user text, one module per package that speaks to users (import the module:
``from bot.texts import directory as texts``)."""
