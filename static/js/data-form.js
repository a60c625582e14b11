/*
 * Data entry form: recompute the derived figures (growth, ratios) as the user types.
 *
 * The arithmetic mirrors indicators/scoring/figures.py exactly, in decimal (BigInt)
 * rather than binary floating point, so the page shows what the server will show
 * after saving:
 *   - inputs are read as the server reads them (evidence/data/services.parse_number)
 *     and kept to 4 decimals, rounded half up, as they are stored;
 *   - growth = (this year / last year - 1) x 100%, an official growth rate wins;
 *     a missing or zero base year is missing data;
 *   - ratio = numerator / denominator x 100%; a zero denominator is missing data;
 *   - shown with 2 decimals, rounded half to even (Decimal.quantize's default).
 * No library, no network: government intranets have none.
 */
(function () {
  "use strict";

  var SCALE = 10000n; // values are stored with 4 decimals

  // A decimal string as BigInt x 10^4 (half up), null for blank, undefined when not a number.
  function parse(text) {
    if (text === null || text === undefined) return null;
    var t = String(text).replace(/[\s,\uFF0C]/g, "");
    if (t.endsWith("%") || t.endsWith("\uFF05")) t = t.slice(0, -1);
    if (t === "") return null;
    var m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/.exec(t);
    if (!m || (m[2] === "" && !m[3])) return undefined;
    var frac = m[3] || "";
    var exp = (m[4] ? parseInt(m[4], 10) : 0) - frac.length + 4;
    if (exp > 40 || exp < -40) return undefined;
    var n = BigInt((m[2] + frac) || "0");
    if (exp >= 0) {
      n = n * 10n ** BigInt(exp);
    } else {
      var d = 10n ** BigInt(-exp);
      var q = n / d;
      if ((n % d) * 2n >= d) q += 1n; // ROUND_HALF_UP (n is non-negative here)
      n = q;
    }
    return m[1] === "-" ? -n : n;
  }

  // round(num / den) to an integer, half to even.
  function divHalfEven(num, den) {
    if (den < 0n) { num = -num; den = -den; }
    var q = num / den;
    var r = num % den;
    if (r < 0n) { q -= 1n; r += den; }
    var twice = r * 2n;
    if (twice > den || (twice === den && q % 2n !== 0n)) q += 1n;
    return q;
  }

  // Hundredths as "12.30%"; a negative value rounding to zero keeps its sign, as Decimal does.
  function percentText(hundredths, negative) {
    var sign = hundredths < 0n || (hundredths === 0n && negative) ? "-" : "";
    var abs = hundredths < 0n ? -hundredths : hundredths;
    var frac = String(abs % 100n);
    return sign + String(abs / 100n) + "." + (frac.length < 2 ? "0" + frac : frac) + "%";
  }

  var root = document.getElementById("data-form-data");
  if (!root) return;
  var data = JSON.parse(root.textContent);

  function stored(kind, key, year) {
    var table = kind === "growth" ? data.growth : data.values;
    var text = table[key + "|" + year];
    return text === undefined ? null : parse(text);
  }

  // The current figure: the form's input when the page has one, else what is stored.
  function current(kind, key, year) {
    var input = document.querySelector(
      'input[data-kind="' + kind + '"][data-metric="' + key + '"][data-year="' + year + '"]'
    );
    if (!input) return stored(kind, key, year);
    var value = parse(input.value);
    return value === undefined ? null : value;
  }

  function name(key) {
    return data.names[key] || key;
  }

  // -> {text, note}, as evidence/data/selectors.derived_rows renders figures.py's Figure.
  function compute(spec, year) {
    var missing = [];
    if (spec.kind === "growth") {
      var published = current("growth", spec.metric, year);
      if (published !== null) {
        return { text: percentText(divHalfEven(published, 100n), published < 0n), note: "采用官方公布的可比口径增速" };
      }
      var cur = current("value", spec.metric, year);
      var prev = current("value", spec.metric, year - 1);
      if (prev === null) missing.push((year - 1) + "年 " + name(spec.metric));
      if (cur === null) missing.push(year + "年 " + name(spec.metric));
      if (!missing.length && prev === 0n) missing.push((year - 1) + "年 " + name(spec.metric) + "（为0，无法计算增速）");
      if (missing.length) return { text: "—", note: "缺少" + missing.join("、") };
      var gnum = (cur - prev) * 10000n;
      var negative = gnum !== 0n && (gnum < 0n) !== (prev < 0n);
      return { text: percentText(divHalfEven(gnum, prev), negative), note: "按当年与上年总量计算" };
    }
    if (spec.kind === "ratio") {
      var num = current("value", spec.numerator, year);
      var den = current("value", spec.denominator, year);
      if (num === null) missing.push(year + "年 " + name(spec.numerator));
      if (den === null) missing.push(year + "年 " + name(spec.denominator));
      if (!missing.length && den === 0n) missing.push(year + "年 " + name(spec.denominator) + "（为0，无法计算比值）");
      if (missing.length) return { text: "—", note: "缺少" + missing.join("、") };
      var rnum = num * 10000n;
      return { text: percentText(divHalfEven(rnum, den), rnum !== 0n && (rnum < 0n) !== (den < 0n)), note: "" };
    }
    return { text: "—", note: "" };
  }

  function refresh() {
    document.querySelectorAll(".derived-cell").forEach(function (cell) {
      var spec = data.derived[cell.dataset.derived];
      if (!spec) return;
      var result = compute(spec, parseInt(cell.dataset.year, 10));
      cell.querySelector(".derived-value").textContent = result.text;
      cell.querySelector(".derived-note").textContent = result.note;
    });
  }

  // Flag what the server would refuse, before saving (the server checks again).
  function flag(input) {
    var value = parse(input.value);
    var bad = value === undefined || (input.dataset.kind === "value" && value !== null && value < 0n);
    input.classList.toggle("is-invalid", bad);
  }

  var form = document.getElementById("data-form");
  if (form) {
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (target.dataset && target.dataset.kind) {
        flag(target);
        refresh();
      }
    });
  }
  refresh();

  // Evidence search: each select lists only a metric's newest evidence; the metric's search box
  // asks the server (data:evidence-options) for the matching ones and lists them in that
  // metric's selects, keeping what each has selected.
  function fillSelect(select, options) {
    var chosen = select.options[select.selectedIndex];
    var keep = chosen && chosen.value ? chosen.cloneNode(true) : null;
    var blank = select.options[0] && select.options[0].value === "" ? select.options[0].cloneNode(true) : null;
    while (select.firstChild) select.removeChild(select.firstChild);
    if (blank) select.appendChild(blank);
    var seen = {};
    if (keep) {
      select.appendChild(keep);
      seen[keep.value] = true;
    }
    options.forEach(function (pair) {
      if (seen[pair[0]]) return;
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
    if (keep) keep.selected = true;
    else if (blank) blank.selected = true;
  }

  function search(input) {
    var metric = input.dataset.metric;
    var note = document.getElementById("evidence-search-note-" + metric);
    var url = form.dataset.evidenceUrl + "?metric=" + encodeURIComponent(metric) + "&q=" + encodeURIComponent(input.value.trim());
    var asked = input.value;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (input.value !== asked) return; // a newer search is on its way
        if (!result.ok) {
          note.textContent = result.body.error || "搜索失败，请稍后重试。";
          return;
        }
        var body = result.body;
        form.querySelectorAll('select[data-evidence-metric="' + metric + '"]').forEach(function (select) {
          fillSelect(select, body.options);
        });
        note.textContent = body.count > body.options.length
          ? "找到 " + body.count + " 份，下拉框列出前 " + body.options.length + " 份，请输入更多字缩小范围。"
          : "找到 " + body.count + " 份，已列在下拉框中。";
      })
      .catch(function () {
        note.textContent = "搜索失败，请检查网络后重试。";
      });
  }

  if (form) {
    var timers = {};
    form.querySelectorAll(".evidence-search").forEach(function (input) {
      input.addEventListener("input", function () {
        clearTimeout(timers[input.id]);
        timers[input.id] = setTimeout(function () { search(input); }, 250);
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault(); // searching, not saving
          clearTimeout(timers[input.id]);
          search(input);
        }
      });
    });
  }

  // For tests and the console: the same computation the page uses.
  window.dataForm = { parse: parse, compute: compute, refresh: refresh, SCALE: SCALE };
})();
