/* Referral codes in this browser, for a link worker who does not sign in: the codes of
   printed prescriptions are kept in localStorage (codes only, nothing about anyone), so
   /my-referrals can show how each went. Also copies the typed notes and contact block
   into their printed boxes as they are typed. */
(function () {
  "use strict";
  var KEY = "signpost.referralCodes";
  var MOST = 500;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(codes) {
    try { window.localStorage.setItem(KEY, JSON.stringify(codes.slice(-MOST))); } catch (e) { /* private mode */ }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-mirror]"), function (field) {
    var box = document.getElementById(field.getAttribute("data-mirror"));
    if (!box) { return; }
    field.addEventListener("input", function () {
      box.querySelector("p").textContent = field.value;
      box.hidden = !field.value.trim();
    });
  });

  var page = document.querySelector("[data-referral-codes]");
  if (page) {
    var codes = load();
    page.getAttribute("data-referral-codes").split(",").forEach(function (code) {
      if (code && codes.indexOf(code) === -1) { codes.push(code); }
    });
    save(codes);
  }

  var list = document.querySelector("[data-my-codes]");
  if (list) {
    var kept = load();
    var empty = document.querySelector("[data-no-codes]");
    if (empty) { empty.hidden = kept.length > 0; }
    kept.slice().reverse().forEach(function (code) {
      var row = document.createElement("tr");
      row.innerHTML = "<td><code></code></td><td></td><td>…</td><td></td>";
      row.cells[0].firstChild.textContent = code;
      list.appendChild(row);
      fetch("/referrals/" + encodeURIComponent(code), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (referral) {
          if (!referral) { row.cells[2].textContent = "No longer kept"; return; }
          row.cells[1].textContent = referral.service_name || "";
          row.cells[2].textContent = (referral.status || "").replace(/_/g, " ") +
            (referral.reason ? " (" + referral.reason.replace(/_/g, " ") + ")" : "");
          row.cells[3].textContent = referral.reported_back_at ? "Patient reported back" : "";
        });
    });
    var forget = document.querySelector("[data-forget-codes]");
    if (forget) {
      forget.hidden = false;
      forget.addEventListener("click", function () { save([]); window.location.reload(); });
    }
  }
})();
