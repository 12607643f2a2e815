/* As-you-type suggestions for the search box from /suggest: the ARIA 1.2 combobox pattern
   (a text box with a listbox popup). Without JavaScript the box is a plain text field. */
(function () {
  "use strict";

  var input = document.getElementById("search");
  if (!input || !window.fetch || !input.getAttribute("data-suggest-url")) { return; }
  var endpoint = input.getAttribute("data-suggest-url");

  var listbox = document.createElement("ul");
  listbox.id = "search-suggestions";
  listbox.className = "suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", "Suggestions");
  listbox.hidden = true;
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.parentNode.appendChild(listbox);
  input.parentNode.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("autocomplete", "off");

  var suggestions = [];
  var active = -1;
  var timer = null;
  var latest = 0;

  function close() {
    listbox.hidden = true;
    listbox.textContent = "";
    suggestions = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    var options = listbox.querySelectorAll("[role=option]");
    active = index;
    Array.prototype.forEach.call(options, function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    if (!suggestions[index]) { return; }
    input.value = suggestions[index].text;
    close();
    status.textContent = "";
    input.focus();
  }

  function show(items) {
    close();
    suggestions = items;
    if (!items.length) {
      status.textContent = "No suggestions.";
      return;
    }
    items.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = "search-suggestion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.text;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.kind === "taxonomy_term" ? "(type of activity)" : "(service)";
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { choose(i); });
      listbox.appendChild(option);
    });
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = items.length + (items.length === 1 ? " suggestion" : " suggestions") +
      ". Use the up and down arrow keys to choose.";
  }

  function lookUp() {
    var typed = input.value.trim();
    if (typed.length < 2) { close(); return; }
    var mine = ++latest;
    fetch(endpoint + "?q=" + encodeURIComponent(typed) + "&limit=8", { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (mine === latest && body && Array.isArray(body.suggestions) && document.activeElement === input) {
          show(body.suggestions);
        }
      })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 200);
  });

  input.addEventListener("keydown", function (event) {
    var open = !listbox.hidden && suggestions.length > 0;
    if (event.key === "ArrowDown") {
      if (!open) { lookUp(); return; }
      event.preventDefault();
      highlight(active + 1 >= suggestions.length ? 0 : active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active <= 0 ? suggestions.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 150); });
})();
