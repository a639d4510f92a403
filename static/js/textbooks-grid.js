// The provision grid: live U, %, N, S per row and the totals; textbook autocomplete by code,
// author or title, filtered to the row's grade. The server computes the same figures on save,
// so the page works without this script.
(function () {
  "use strict";
  var form = document.getElementById("grid-form");
  if (!form) return;
  var searchUrl = form.dataset.searchUrl;
  var datalist = document.getElementById("fpu-options");
  var known = {}; // code → {label, status}

  function num(row, name) {
    var input = row.querySelector('[data-num="' + name + '"]');
    var value = input ? parseInt(input.value, 10) : NaN;
    return isNaN(value) || value < 0 ? 0 : value;
  }

  function format(value) {
    return value.toFixed(1).replace(".", ",");
  }

  function recalc() {
    var totals = { pupils: 0, fund: 0, write_off: 0, from_orf: 0, usable: 0, need: 0, surplus: 0, provided: 0 };
    form.querySelectorAll("tr[data-row]").forEach(function (row) {
      if (!row.querySelector('[data-num="pupils"]')) return;
      var deleted = row.querySelector('input[name$="-delete"]');
      var blank = row.classList.contains("new-line") && !row.querySelector('[data-num="pupils"]').value;
      var p = num(row, "pupils"), f = num(row, "fund"), w = num(row, "write_off"), r = num(row, "from_orf");
      var u = row.dataset.usable === "0" ? 0 : f - w + r;
      var cells = {
        usable: u,
        percent: p ? format(Math.min(100, (u * 100) / p)) : "—",
        need: Math.max(0, p - u),
        surplus: Math.max(0, f - w - p)
      };
      Object.keys(cells).forEach(function (name) {
        var cell = row.querySelector('[data-out="' + name + '"]');
        if (cell) cell.textContent = blank ? "" : cells[name];
      });
      if (blank || (deleted && deleted.checked)) return;
      totals.pupils += p; totals.fund += f; totals.write_off += w; totals.from_orf += r;
      totals.usable += u; totals.need += cells.need; totals.surplus += cells.surplus;
      totals.provided += Math.min(p, u);
    });
    totals.percent = totals.pupils ? format((totals.provided * 100) / totals.pupils) : "—";
    Object.keys(totals).forEach(function (name) {
      var cell = form.querySelector('[data-total="' + name + '"]');
      if (cell) cell.textContent = totals[name];
    });
  }

  function search(input, then) {
    var row = input.closest("tr");
    var grade = row.querySelector('select[name$="-grade"]').value;
    var query = input.value.trim();
    if (query.length < 2) return;
    fetch(searchUrl + "?grade=" + encodeURIComponent(grade) + "&q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        datalist.innerHTML = "";
        data.results.forEach(function (item) {
          known[item.code] = item;
          var option = document.createElement("option");
          option.value = item.code;
          option.label = item.label + " — " + item.status;
          option.textContent = item.label;
          datalist.appendChild(option);
        });
        if (then) then();
      });
  }

  var timer = null;
  function suggest(input) {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input); }, 150);
  }

  function picked(input) {
    var item = known[input.value.trim()];
    if (!item) return;
    var row = input.closest("tr");
    var title = row.querySelector(".fpu-title");
    var match = /^(.*?) «(.*)»/.exec(item.label);
    if (match && title) {
      title.value = match[2];
      row.querySelector('input[name$="-authors"]').value = match[1];
    }
    row.dataset.usable = item.status.indexOf("истёк") >= 0 ? "0" : "1";
    recalc();
  }

  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("fpu-code")) {
      suggest(event.target);
      picked(event.target);
    }
    recalc();
  });
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.classList.contains("fpu-code")) {
      // A code typed in full (not picked from the list): look it up to show the title.
      if (known[input.value.trim()]) picked(input);
      else search(input, function () { picked(input); });
    }
    recalc();
  });
  recalc();
})();
