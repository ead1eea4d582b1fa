"use strict";
// The local web chat: posts questions to /api/chat and renders the replies' Adaptive Cards.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const tokenInput = document.getElementById("token");
  const personSelect = document.getElementById("person");
  const session = sessionId();
  let tokenRequired = false;

  function sessionId() {
    let id = sessionStorage.getItem("wl-session");
    if (!id) {
      const bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem("wl-session", id);
    }
    return id;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  // The Markdown subset Adaptive Cards know: bold, italics, links, lists, line breaks.
  function markdown(text) {
    const lines = escapeHtml(text).split("\n");
    let html = "", list = null;
    for (const line of lines) {
      const bullet = line.match(/^\s*[-*•]\s+(.*)$/), numbered = line.match(/^\s*\d+\.\s+(.*)$/);
      const kind = bullet ? "ul" : numbered ? "ol" : null;
      if (kind !== list) {
        if (list) html += `</${list}>`;
        // a step numbered "3." in its own TextBlock keeps its number
        if (kind === "ol") html += `<ol start="${parseInt(line, 10) || 1}">`;
        // indented bullets, and "•" items (sub-points of a step), sit under the step
        else if (kind === "ul" && /^(\s{2,}|\s*•)/.test(line)) html += '<ul class="sub">';
        else if (kind) html += `<${kind}>`;
        list = kind;
      }
      const body = inline((bullet || numbered || [null, line])[1]);
      html += kind ? `<li>${body}</li>` : body + "<br>";
    }
    if (list) html += `</${list}>`;
    return html.replace(/(<br>)+$/, "");
  }

  function inline(text) {
    return text
      .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[^*])\*([^*]+)\*/g, "$1<em>$2</em>")
      .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
  }

  function renderElement(item, parent) {
    if (!item || typeof item !== "object") return;
    const sep = item.separator || ["large", "extralarge"].includes(String(item.spacing || "").toLowerCase());
    switch (item.type) {
      case "TextBlock": {
        const classes = ["ac-text"];
        const lower = (value) => String(value || "").toLowerCase();
        if (item.size) classes.push("size-" + lower(item.size));
        if (lower(item.weight) === "bolder") classes.push("bold");
        if (item.isSubtle) classes.push("subtle");
        if (item.color) classes.push("color-" + lower(item.color));
        if (lower(item.style) === "heading") classes.push("heading");
        if (["medium", "large", "extralarge"].includes(lower(item.spacing))) classes.push("spaced");
        if (lower(item.spacing) === "none") classes.push("tight");
        const node = el("div", classes.join(" "));
        node.innerHTML = markdown(item.text || "");
        parent.appendChild(node);
        break;
      }
      case "RichTextBlock": {
        const node = el("div", "ac-text");
        for (const run of item.inlines || []) node.appendChild(el("span", String(run.weight || "").toLowerCase() === "bolder" ? "bold" : "", typeof run === "string" ? run : run.text || ""));
        parent.appendChild(node);
        break;
      }
      case "Container": {
        const node = el("div", "ac-container" + (sep ? " separator" : "") + (item.style ? " style-" + String(item.style).toLowerCase() : ""));
        (item.items || []).forEach((child) => renderElement(child, node));
        if (item.selectAction) renderActions([item.selectAction], node);
        parent.appendChild(node);
        break;
      }
      case "ColumnSet": {
        const node = el("div", "ac-columns" + (sep ? " ac-container separator" : ""));
        for (const column of item.columns || []) {
          const col = el("div", "ac-column" + (column.width === "auto" ? " auto" : ""));
          (column.items || []).forEach((child) => renderElement(child, col));
          node.appendChild(col);
        }
        parent.appendChild(node);
        break;
      }
      case "FactSet": {
        const table = el("table", "ac-facts");
        for (const fact of item.facts || []) {
          const row = el("tr");
          row.appendChild(el("th", "", fact.title || ""));
          const cell = el("td");
          cell.innerHTML = inline(escapeHtml(fact.value || ""));
          row.appendChild(cell);
          table.appendChild(row);
        }
        parent.appendChild(table);
        break;
      }
      case "ActionSet":
        renderActions(item.actions || [], parent);
        break;
      case "Input.Text": {
        // a form field; its value goes into the data of the pressed Action.Submit
        const field = el(item.isMultiline ? "textarea" : "input", "ac-input");
        field.dataset.inputId = String(item.id || "");
        if (item.placeholder) field.placeholder = String(item.placeholder);
        if (item.maxLength) field.maxLength = Number(item.maxLength);
        if (item.isMultiline) field.rows = 6;
        field.value = typeof item.value === "string" ? item.value : "";
        field.setAttribute("aria-label", String(item.placeholder || item.id || ""));
        parent.appendChild(field);
        break;
      }
      default:
        if (item.text) parent.appendChild(el("div", "ac-text", item.text));
    }
  }

  function renderActions(actions, parent) {
    if (!actions.length) return;
    const bar = el("div", "ac-actions");
    for (const action of actions) {
      if (action.type === "Action.OpenUrl" && /^https?:\/\//.test(action.url || "")) {
        const link = el("a", "", action.title || action.url);
        link.href = action.url; link.target = "_blank"; link.rel = "noopener";
        bar.appendChild(link);
      } else if (action.type === "Action.Submit" || action.type === "Action.Execute") {
        const button = el("button", "", action.title || "OK");
        button.type = "button";
        button.addEventListener("click", () => {
          bar.querySelectorAll("button").forEach((b) => { b.disabled = true; });
          const data = Object.assign({}, action.data && typeof action.data === "object" ? action.data : {});
          const card = bar.closest(".msg");
          if (card && action.associatedInputs !== "none") {
            card.querySelectorAll("[data-input-id]").forEach((field) => {
              if (field.dataset.inputId) data[field.dataset.inputId] = field.value;
            });
          }
          const text = typeof data.msteams === "object" && data.msteams.text ? data.msteams.text : "";
          ask(text, data, action.title);
        });
        bar.appendChild(button);
      }
    }
    parent.appendChild(bar);
  }

  function renderReply(reply) {
    if (reply.card && Array.isArray(reply.card.body)) {
      const bubble = el("div", "msg bot card");
      reply.card.body.forEach((item) => renderElement(item, bubble));
      renderActions(reply.card.actions || [], bubble);
      return bubble;
    }
    const bubble = el("div", "msg bot");
    bubble.innerHTML = markdown(reply.text || "");
    return bubble;
  }

  function scrollDown() { log.lastElementChild && log.lastElementChild.scrollIntoView({ block: "end" }); }

  function show(node) {
    const hint = document.getElementById("hint");
    if (hint) hint.remove();
    log.appendChild(node);
    scrollDown();
    return node;
  }

  function headers() {
    const h = { "Content-Type": "application/json" };
    if (tokenRequired) h["X-Wissenslotse-Token"] = tokenInput.value;
    return h;
  }

  async function ask(text, value, label) {
    show(el("div", "msg user", label || text));
    const pending = show(el("div", "msg bot pending", "Einen Moment bitte …"));
    const body = { text: text, session: session };
    if (value) body.value = value;
    if (personSelect.value) body.person = personSelect.value;
    try {
      const response = await fetch("api/chat", { method: "POST", headers: headers(), body: JSON.stringify(body) });
      if (response.status === 401) throw new Error("Bitte geben Sie den Zugangsschlüssel ein.");
      const data = await response.json();
      pending.remove();
      if (!data.replies) throw new Error("Die Anfrage wurde abgelehnt.");
      data.replies.forEach((reply) => show(renderReply(reply)));
    } catch (error) {
      pending.classList.remove("pending");
      pending.textContent = error.message && !/fetch/i.test(error.message) ? error.message : "Der Wissenslotse ist gerade nicht erreichbar.";
    }
  }

  async function pollInbox() {
    try {
      // the chosen person: what waits in their earlier sessions (a closed tab) comes here too
      const person = personSelect.value ? "&person=" + encodeURIComponent(personSelect.value) : "";
      const response = await fetch("api/chat/inbox?session=" + session + person, { headers: headers() });
      if (response.ok) (await response.json()).replies.forEach((reply) => show(renderReply(reply)));
    } catch (error) { /* the next poll tries again */ }
  }

  async function configure() {
    try {
      const config = await (await fetch("api/chat/config")).json();
      tokenRequired = !!config.token_required;
      tokenInput.hidden = !tokenRequired;
      if (config.person_choice && config.people && config.people.length) {
        for (const person of config.people) {
          const option = el("option", "", person.name);
          option.value = person.id;
          personSelect.appendChild(option);
        }
        document.getElementById("who").hidden = false;
      }
    } catch (error) { /* the chat still works without the optional choices */ }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    ask(text);
  });
  document.querySelectorAll(".example").forEach((button) => button.addEventListener("click", () => ask(button.textContent)));
  configure();
  setInterval(pollInbox, 4000);
  input.focus();
})();
