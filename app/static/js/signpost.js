/* Signpost pages, enhanced: the social prescription shortlist kept in localStorage, the
   print and copy buttons, and focus on an error summary. Everything here is optional:
   without it the same buttons submit plain GET forms and the shortlist rides in the URL. */
(function () {
  "use strict";

  var KEY = "signpost.prescription";
  var SAVED = KEY + ".saved"; // when the shortlist last changed, in ms since 1970
  // A shortlist untouched this long belongs to an earlier patient: it is not shown to the next.
  var KEEP_MS = 3 * 60 * 60 * 1000;
  var ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  /* Errors: move focus to the summary so it is read out and the links are close. */
  var summary = $("[data-focus-on-load]");
  if (summary) { summary.focus(); }

  function announce(text) {
    var region = $("[data-announcer]");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  /* Leave empty fields out of the search URL, so a bookmarked search reads cleanly. */
  var searchForm = $("form.search-form");
  if (searchForm) {
    searchForm.addEventListener("submit", function () {
      $$("input[name], select[name]", searchForm).forEach(function (field) {
        if (!field.value && !field.disabled) {
          field.disabled = true;
          field.setAttribute("data-emptied", "");
        }
      });
    });
    window.addEventListener("pageshow", function () {
      $$("[data-emptied]", searchForm).forEach(function (field) {
        field.disabled = false;
        field.removeAttribute("data-emptied");
      });
    });
  }

  /* Print and copy buttons only work with JavaScript, so they start hidden. */
  $$("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  $$(".print-hint").forEach(function (hint) { hint.hidden = true; });
  $$("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { announce("Link copied."); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { announce("Press Control and C to copy the selected link."); });
      } else {
        announce("Press Control and C to copy the selected link.");
      }
    });
  });

  /* The shortlist ---------------------------------------------------------------------- */

  var storage;
  try {
    storage = window.localStorage;
    storage.setItem(KEY + ".test", "1");
    storage.removeItem(KEY + ".test");
  } catch (e) {
    return; // no storage (private mode, blocked): the plain forms keep working
  }

  function read() {
    var saved = parseInt(storage.getItem(SAVED) || "0", 10);
    if (!saved || Date.now() - saved > KEEP_MS) {
      storage.removeItem(KEY);
      return [];
    }
    try {
      var items = JSON.parse(storage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (item) {
        return item && typeof item.id === "string" && ID.test(item.id);
      }) : [];
    } catch (e) {
      return [];
    }
  }

  var shortlist = read();

  function ids() { return shortlist.map(function (item) { return item.id; }); }
  function has(id) { return ids().indexOf(id) !== -1; }
  function nameOf(id) {
    var node = $('[data-service-id="' + id + '"]') || $('[data-prescription-list] [data-id="' + id + '"]');
    return (node && node.getAttribute("data-name")) || "Activity";
  }
  function countText() {
    var n = shortlist.length;
    return n + (n === 1 ? " activity" : " activities") + " in the prescription";
  }

  function store() {
    storage.setItem(KEY, JSON.stringify(shortlist));
    storage.setItem(SAVED, String(Date.now()));
  }

  function save() {
    store();
    render();
  }

  function add(id) {
    if (ID.test(id) && !has(id) && shortlist.length < 20) {
      shortlist.push({ id: id, name: nameOf(id) });
    }
  }

  function remove(id) {
    shortlist = shortlist.filter(function (item) { return item.id !== id; });
  }

  /* Merge a shortlist the URL carries (a bookmarked or shared search) into storage. */
  var fromUrl = new URLSearchParams(window.location.search).get("shortlist");
  if (fromUrl) {
    fromUrl.split(",").forEach(function (id) { add(id.trim()); });
    store();
  }

  function prescriptionUrl() {
    return "/prescription" + (shortlist.length ? "?ids=" + ids().join(",") : "");
  }

  function renderPanel() {
    var panel = $("[data-prescription-panel]");
    if (!panel) { return; }
    panel.hidden = shortlist.length === 0;
    $("[data-prescription-count]", panel).textContent = countText();
    var list = $("[data-prescription-list]", panel);
    list.textContent = "";
    shortlist.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-id", item.id);
      li.setAttribute("data-name", item.name);
      var link = document.createElement("a");
      link.href = "/service/" + item.id;
      link.textContent = item.name;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.setAttribute("data-shortlist-remove", item.id);
      button.textContent = "Remove";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + item.name;
      button.appendChild(hidden);
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function renderToggles() {
    $$("[data-shortlist-toggle]").forEach(function (button) {
      var id = button.getAttribute("data-shortlist-toggle");
      var chosen = has(id);
      var holder = button.closest("[data-name]");
      var name = holder ? holder.getAttribute("data-name") : "";
      button.name = chosen ? "remove" : "add";
      button.textContent = chosen ? "Remove from prescription" : "Add to prescription";
      if (name && button.closest(".listing")) {
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = ": " + name;
        button.appendChild(hidden);
      }
      var pick = button.closest(".listing") && $(".pick", button.closest(".listing"));
      if (pick) { pick.hidden = chosen; }
    });
  }

  function renderFields() {
    $$("[data-shortlist-field]").forEach(function (field) {
      field.value = ids().join(",");
      field.disabled = shortlist.length === 0 && field.closest("form.search-form") !== null;
    });
    var params = new URLSearchParams(window.location.search);
    if (params.has("shortlist")) {
      if (shortlist.length) { params.set("shortlist", ids().join(",")); } else { params.delete("shortlist"); }
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  }

  function render() {
    $$("[data-prescription-link]").forEach(function (link) { link.href = prescriptionUrl(); });
    renderPanel();
    renderToggles();
    renderFields();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-shortlist-toggle], [data-shortlist-remove], [data-add-picked], [data-shortlist-clear], [data-new-patient]");
    if (!target) { return; }
    if (target.hasAttribute("data-new-patient")) {
      // Forget this patient's list here; the form then goes to an empty search.
      shortlist = [];
      store();
      return;
    }
    if (target.hasAttribute("data-shortlist-toggle")) {
      event.preventDefault();
      var id = target.getAttribute("data-shortlist-toggle");
      var name = nameOf(id);
      if (has(id)) { remove(id); announce("Removed " + name + ". " + countText() + "."); } else { add(id); announce("Added " + name + ". " + countText() + "."); }
      save();
    } else if (target.hasAttribute("data-shortlist-remove")) {
      var removed = target.getAttribute("data-shortlist-remove");
      if ($("[data-prescription-page]")) { remove(removed); save(); return; } // the link reloads the page
      event.preventDefault();
      var removedName = nameOf(removed);
      remove(removed);
      save();
      announce("Removed " + removedName + ". " + countText() + ".");
      var heading = shortlist.length ? $("#prescription-heading") : $("#main");
      if (heading) { heading.focus(); }
    } else if (target.hasAttribute("data-add-picked")) {
      event.preventDefault();
      var picked = $$('input[name="pick"]:checked');
      picked.forEach(function (box) { add(box.value); box.checked = false; });
      save();
      announce(picked.length ? "Added " + picked.length + (picked.length === 1 ? " activity. " : " activities. ") + countText() + "." : "Tick the activities to add first.");
    } else if (target.hasAttribute("data-shortlist-clear")) {
      event.preventDefault();
      shortlist = [];
      save();
      announce("The prescription is now empty.");
      var main = $("#main");
      if (main) { main.focus(); }
    }
  });

  /* The prescription page opened from the menu: show what is kept in this browser. */
  var page = $("[data-prescription-page]");
  if (page && !page.getAttribute("data-ids") && shortlist.length && !/[?&]ids=/.test(window.location.search)) {
    window.location.replace(prescriptionUrl());
    return;
  }

  render();
})();
