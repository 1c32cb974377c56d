// matrix-html.js: inlined into build/matrix.html by matrix-html.jq. Draws
// the table from the JSON in #matrix-data, filters its rows, and shows a
// cell's details. With ?selftest in the URL it also writes, into
// #selftest, what it drew and how many rows some filters hide (for
// scripts/tests/matrix-html.sh, which loads the page in headless Chromium).
(function () {
	"use strict";
	var data = JSON.parse(document.getElementById("matrix-data").textContent);
	var K = data.kernels, R = data.rows, C = data.cells;
	var LOAD = { accept: "A", reject: "R", absent: "·", "helper-absent": "h", skip: "s", error: "E" };
	var RUN = { runs: "▶", "no-effect": "▷", "attach-refused": "⊘", splat: "⚠", skip: "◇", error: "✖" };
	var STATUS = ["pass", "fail", "xfail", "xpass", "skip"];

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined && text !== null) e.textContent = text;
		return e;
	}
	function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

	// What the load stage observed; "helper-absent" is an absent caused
	// only by a helper kfunc the case also calls, on a kernel that has
	// bpf_arena_free_pages (the runner's reason names the kfunc).
	function loadOutcome(c, k) {
		var reason = c.reason || "";
		if (c.observed === "absent" && K[k].has_kfunc && /has no kfunc /.test(reason) &&
		    reason.indexOf("bpf_arena_free_pages") < 0)
			return "helper-absent";
		return has(LOAD, c.observed) ? c.observed : "other";
	}
	function runOutcome(c) {
		if (!c.run) return "none";
		return has(RUN, c.run.observed) ? c.run.observed : "other";
	}
	// What a kernel did with a case, both stages: compared across kernels.
	function verdict(c, k) { return loadOutcome(c, k) + "/" + runOutcome(c); }

	function cellText(c, k) {
		var run = c.run ? (RUN[c.run.observed] || "?") : "";
		if (c.status === "xfail") return "X" + run;
		if (c.status === "xpass") return "P" + run + "✗";
		var t = (LOAD[loadOutcome(c, k)] || "?") + run;
		return c.status === "fail" ? t + "✗" : t;
	}
	function kname(k) { return K[k].kernel + (K[k].arch !== "amd64" || multiArch ? " " + K[k].arch : ""); }
	function rule(c) {
		if (!c.expected) return "(no rule)";
		return c.expected + (c.expected_message ? " \"" + c.expected_message + "\"" : "");
	}
	function cellTitle(r, k, c) {
		var row = R[r], lines = [row.key + " on " + K[k].kernel + " (" + K[k].arch + ")"];
		lines.push("load: " + c.observed + (c.errno ? " (errno " + c.errno + ")" : "") + ": " + c.status);
		lines.push("verifier: " + (c.message || "(no message)"));
		lines.push("rule: expected " + rule(c));
		if (c.reason) lines.push("reason: " + c.reason);
		if (c.run) {
			lines.push("run: " + c.run.observed + (c.run.hook ? " via " + c.run.hook : "") +
				(c.run.expected ? " (expected " + c.run.expected + ")" : ""));
			if (c.run.message) lines.push("run message: " + c.run.message);
		} else {
			lines.push("run: none");
		}
		return lines.join("\n");
	}

	var multiArch = K.some(function (k) { return k.arch !== K[0].arch; });
	var themes = [], themeRows = {};
	R.forEach(function (row, r) {
		if (!has(themeRows, row.theme)) { themes.push(row.theme); themeRows[row.theme] = []; }
		themeRows[row.theme].push(r);
	});

	// Per row: does the verdict differ across the kernels with the kfunc?
	var differs = R.map(function (row, r) {
		var seen = {}, n = 0;
		K.forEach(function (kern, k) {
			var c = C[k][r];
			if (!c || !kern.has_kfunc) return;
			var v = verdict(c, k);
			if (!has(seen, v)) { seen[v] = true; n++; }
		});
		return n > 1;
	});

	// --- the table ---------------------------------------------------------
	var table = document.getElementById("matrix");
	var thead = table.tHead, hr = el("tr"), sr = el("tr");
	hr.appendChild(el("th", "name", "test"));
	hr.appendChild(el("th", "type", "type"));
	sr.appendChild(el("td", "name", "pass / fail / skip"));
	sr.appendChild(el("td", "type", ""));
	K.forEach(function (kern, k) {
		var th = el("th", "k" + (kern.verdict ? "" : " noverdict"), kern.kernel + (kern.verdict && !kern.error ? "" : " ⚑"));
		th.appendChild(el("small", null, kern.arch));
		th.title = (kern.release || kern.kernel) + " (" + kern.arch + "), exit " + kern.exit +
			(kern.has_kfunc ? "" : kern.verdict ? ", no bpf_arena_free_pages" : "") +
			(kern.error ? "\n" + kern.error : "");
		hr.appendChild(th);
		var s = kern.summary, td = el("td", "sum");
		if (s) {
			td.textContent = s.pass + " / " + s.fail + " / " + s.skip;
			if (s.xfail || s.xpass)
				td.appendChild(el("small", null, (s.xfail || 0) + " xfail" + (s.xpass ? ", " + s.xpass + " xpass" : "")));
		} else {
			td.textContent = "no verdict";
		}
		sr.appendChild(td);
	});
	thead.appendChild(hr);
	thead.appendChild(sr);

	var trs = [], themeTrs = {}, cellEls = [];
	themes.forEach(function (th) {
		var tb = el("tbody"), htr = el("tr", "theme"), htd = el("td", null, th + " ");
		htd.colSpan = K.length + 2;
		htd.appendChild(el("span", "count", "(" + themeRows[th].length + ")"));
		htr.appendChild(htd);
		tb.appendChild(htr);
		themeTrs[th] = htr;
		themeRows[th].forEach(function (r) {
			var row = R[r], tr = el("tr", "test"), prev = null;
			var name = el("td", "name", row.key);
			name.title = row.prog_type + ", " + row.attach + (row.call ? " " + row.call : "") +
				(row.sleepable ? ", BPF_F_SLEEPABLE" : "");
			tr.appendChild(name);
			tr.appendChild(el("td", "type", row.prog_type.replace(/^BPF_PROG_TYPE_/, "").toLowerCase()));
			cellEls[r] = [];
			K.forEach(function (kern, k) {
				var c = C[k][r], td;
				if (!kern.verdict) {
					td = el("td", "cell o-noverdict", "");
					td.title = kern.kernel + ": no verdict" + (kern.error ? ": " + kern.error : "");
				} else if (!c) {
					td = el("td", "cell o-none", "");
					td.title = row.key + " was not run on " + kern.kernel;
				} else {
					td = el("td", "cell o-" + loadOutcome(c, k) + " st-" + c.status);
					var t = cellText(c, k), run = c.run ? RUN[c.run.observed] : null;
					if (run && t.indexOf(run) >= 0) {
						var i = t.indexOf(run);
						td.appendChild(document.createTextNode(t.slice(0, i)));
						td.appendChild(el("span", "r-" + runOutcome(c), run));
						td.appendChild(document.createTextNode(t.slice(i + run.length)));
					} else {
						td.textContent = t;
					}
					td.title = cellTitle(r, k, c);
					td.tabIndex = 0;
					td.dataset.r = r;
					td.dataset.k = k;
					td.dataset.case = "1";
					// Among the kernels that have the kfunc: a change of verdict.
					if (kern.has_kfunc) {
						var v = verdict(c, k);
						if (prev !== null && prev !== v) td.className += " chg";
						prev = v;
					}
				}
				tr.appendChild(td);
				cellEls[r][k] = td;
			});
			tb.appendChild(tr);
			trs[r] = tr;
		});
		table.appendChild(tb);
	});

	// --- filters -----------------------------------------------------------
	function options(sel, values) {
		values.forEach(function (v) {
			var o = el("option", null, v[1]);
			o.value = v[0];
			sel.appendChild(o);
		});
	}
	var fType = document.getElementById("f-type"), fTheme = document.getElementById("f-theme");
	var fOutcome = document.getElementById("f-outcome"), fFlag = document.getElementById("f-flag");
	var fDiffers = document.getElementById("f-differs"), fName = document.getElementById("f-name");
	var types = [];
	R.forEach(function (row) { if (types.indexOf(row.prog_type) < 0) types.push(row.prog_type); });
	options(fType, types.sort().map(function (t) { return [t, t.replace(/^BPF_PROG_TYPE_/, "")]; }));
	options(fTheme, themes.map(function (t) { return [t, t]; }));
	// Outcomes present in the data, by stage.
	var present = {};
	K.forEach(function (kern, k) {
		C[k].forEach(function (c) {
			if (!c) return;
			present["load:" + loadOutcome(c, k)] = true;
			present["status:" + c.status] = true;
			present["run:" + runOutcome(c)] = true;
		});
	});
	[["load", Object.keys(LOAD).concat(["other"])], ["status", STATUS.concat(["other"])],
	 ["run", Object.keys(RUN).concat(["other", "none"])]].forEach(function (g) {
		var og = el("optgroup");
		og.label = g[0] === "load" ? "load stage" : g[0] === "run" ? "run stage" : "against expected/";
		g[1].forEach(function (o) {
			if (!present[g[0] + ":" + o]) return;
			var opt = el("option", null, g[0] + ": " + o);
			opt.value = g[0] + ":" + o;
			og.appendChild(opt);
		});
		if (og.children.length) fOutcome.appendChild(og);
	});

	function cellMatches(c, k, outcome) {
		var i = outcome.indexOf(":"), stage = outcome.slice(0, i), what = outcome.slice(i + 1);
		if (stage === "load") return loadOutcome(c, k) === what;
		if (stage === "status") return (STATUS.indexOf(c.status) >= 0 ? c.status : "other") === what;
		return runOutcome(c) === what;
	}

	// apply(STATE): show the rows STATE selects, dim the cells that do not
	// have its outcome. Returns the number of test rows hidden.
	function apply(f) {
		var hidden = 0, name = (f.name || "").toLowerCase();
		R.forEach(function (row, r) {
			var show = (!f.type || row.prog_type === f.type) &&
				(!f.theme || row.theme === f.theme) &&
				(!f.flag || (f.flag === "sleepable") === row.sleepable) &&
				(!f.differs || differs[r]) &&
				(!name || row.key.toLowerCase().indexOf(name) >= 0);
			var any = !f.outcome;
			K.forEach(function (kern, k) {
				var c = C[k][r], td = cellEls[r][k];
				var m = !f.outcome || (c && cellMatches(c, k, f.outcome));
				td.classList.toggle("dim", !!f.outcome && !m);
				if (m && c) any = true;
			});
			show = show && any;
			trs[r].hidden = !show;
			if (!show) hidden++;
		});
		themes.forEach(function (th) {
			var n = themeRows[th].length, shown = themeRows[th].filter(function (r) { return !trs[r].hidden; }).length;
			themeTrs[th].hidden = shown === 0;
			themeTrs[th].querySelector(".count").textContent = "(" + (shown === n ? n : shown + " of " + n) + ")";
		});
		document.getElementById("shown").textContent = (R.length - hidden) + " of " + R.length + " tests shown";
		return hidden;
	}
	function state() {
		return { type: fType.value, theme: fTheme.value, outcome: fOutcome.value, flag: fFlag.value,
			 differs: fDiffers.checked, name: fName.value };
	}
	// The filters live in the URL's #fragment, so that a view can be linked.
	function toHash(f) {
		var parts = [];
		Object.keys(f).forEach(function (k) {
			if (f[k] === true) parts.push(k);
			else if (f[k]) parts.push(k + "=" + encodeURIComponent(f[k]));
		});
		return parts.join("&");
	}
	function fromHash() {
		var f = {};
		location.hash.replace(/^#/, "").split("&").forEach(function (p) {
			if (!p) return;
			var i = p.indexOf("=");
			if (i < 0) f[p] = true;
			else f[p.slice(0, i)] = decodeURIComponent(p.slice(i + 1));
		});
		return f;
	}
	function setControls(f) {
		fType.value = f.type || ""; fTheme.value = f.theme || ""; fOutcome.value = f.outcome || "";
		fFlag.value = f.flag || ""; fDiffers.checked = !!f.differs; fName.value = f.name || "";
	}
	// The #fragment: the filters, and the cell whose details are open
	// (cell=TEST@COLUMN).
	var selected = null;
	function setHash() {
		var h = toHash(state());
		if (selected)
			h += (h ? "&" : "") + "cell=" + encodeURIComponent(R[+selected.dataset.r].key + "@" + selected.dataset.k);
		if (location.hash.replace(/^#/, "") !== h)
			history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
	}
	function changed() {
		apply(state());
		setHash();
	}
	[fType, fTheme, fOutcome, fFlag, fDiffers].forEach(function (e) { e.addEventListener("change", changed); });
	fName.addEventListener("input", changed);
	setControls(fromHash());
	apply(state());

	// --- details of a cell -------------------------------------------------
	var aside = document.getElementById("details"), body = document.getElementById("details-body");
	function dl(pairs) {
		var d = el("dl");
		pairs.forEach(function (p) {
			if (p[1] === undefined || p[1] === null || p[1] === "") return;
			d.appendChild(el("dt", null, p[0]));
			d.appendChild(el("dd", p[2] ? "msg" : null, String(p[1])));
		});
		return d;
	}
	function show(td) {
		var r = +td.dataset.r, k = +td.dataset.k, c = C[k][r], row = R[r], kern = K[k];
		if (selected) selected.classList.remove("sel");
		selected = td;
		td.classList.add("sel");
		body.textContent = "";
		body.appendChild(el("h2", null, row.key + " on " + kname(k)));
		body.appendChild(dl([["kernel", (kern.release || kern.kernel) + " (" + kern.arch + ")"],
			["program", row.prog_type + ", " + row.attach + (row.call ? " " + row.call : "")],
			["flag", row.sleepable ? "BPF_F_SLEEPABLE" : "plain"], ["theme", row.theme],
			["status", c.status + (c.reason ? ": " + c.reason : ""), true]]));
		body.appendChild(el("h3", null, "load stage"));
		body.appendChild(dl([["observed", c.observed + (c.errno ? " (errno " + c.errno + ")" : "")],
			["verifier", c.message || "(no message)", true], ["rule", "expected " + rule(c), true],
			["time", c.usec !== undefined ? c.usec + " µs" : null]]));
		body.appendChild(el("h3", null, "run stage"));
		if (c.run) {
			body.appendChild(dl([["observed", c.run.observed + (c.run.errno ? " (errno " + c.run.errno + ")" : "")],
				["expected", c.run.expected], ["hook", c.run.hook], ["message", c.run.message, true],
				["latency", c.run.latency_us !== undefined && c.run.latency_us >= 0 ? c.run.latency_us + " µs" : null],
				["program runs", c.run.prog_runs !== undefined && c.run.prog_runs >= 0 ? String(c.run.prog_runs) : null],
				["time", c.run.usec !== undefined ? c.run.usec + " µs" : null]]));
		} else {
			body.appendChild(el("p", null, "not run (the load stage did not accept it, or the run stage was off)"));
		}
		aside.hidden = false;
		setHash();
	}
	table.addEventListener("click", function (e) {
		var td = e.target.closest("td[data-case]");
		if (td) show(td);
	});
	table.addEventListener("keydown", function (e) {
		var td = e.target.closest("td[data-case]");
		if (td && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); show(td); }
	});
	document.getElementById("details-close").addEventListener("click", function () {
		aside.hidden = true;
		if (selected) selected.classList.remove("sel");
		selected = null;
		setHash();
	});
	var open = fromHash().cell;
	if (typeof open === "string" && open.lastIndexOf("@") > 0) {
		var at = open.lastIndexOf("@"), key = open.slice(0, at), col = +open.slice(at + 1);
		R.forEach(function (row, r) {
			if (row.key === key && cellEls[r][col] && cellEls[r][col].dataset.case) show(cellEls[r][col]);
		});
	}
	document.addEventListener("keydown", function (e) {
		if (e.key === "Escape") document.getElementById("details-close").click();
	});

	// --- self-test ---------------------------------------------------------
	if (/(^|[?&])selftest(=|&|$)/.test(location.search.slice(1))) {
		var visibleRows = function () {
			return Array.prototype.filter.call(table.querySelectorAll("tr.test"), function (tr) {
				return getComputedStyle(tr).display !== "none";
			}).length;
		};
		var total = visibleRows(), res = {
			rows: table.querySelectorAll("tr.test").length,
			columns: table.querySelectorAll("thead th.k").length,
			cells: table.querySelectorAll("td.cell").length,
			filled: table.querySelectorAll("td.cell[data-case]").length,
			visible: total,
			hidden: {}
		};
		var probes = [{ flag: "sleepable" }, { flag: "plain" }, { differs: true },
			{ type: "BPF_PROG_TYPE_XDP" }, { outcome: "status:fail" }, { outcome: "run:runs" }];
		probes.forEach(function (f) {
			apply(f);
			res.hidden[Object.keys(f).map(function (k) { return f[k] === true ? k : k + "=" + f[k]; }).join("&")] = total - visibleRows();
		});
		apply(state());
		// Each cell: its test, column, text and tooltip; each theme: its rows.
		res.texts = [];
		Array.prototype.forEach.call(table.querySelectorAll("td.cell[data-case]"), function (td) {
			res.texts.push([R[+td.dataset.r].key, +td.dataset.k, td.textContent, td.title]);
		});
		res.themes = {};
		Array.prototype.forEach.call(table.tBodies, function (tb) {
			var th = tb.rows[0].firstChild.firstChild.textContent.replace(/ $/, "");
			res.themes[th] = tb.querySelectorAll("tr.test").length;
		});
		res.headers = Array.prototype.map.call(table.querySelectorAll("thead th.k"), function (th) {
			return th.textContent;
		});
		var out = document.getElementById("selftest");
		// ASCII only, no markup characters: the dumped DOM holds it verbatim.
		out.textContent = JSON.stringify(res).replace(/[<>&\u007f-\uffff]/g, function (ch) {
			return "\\u" + ("000" + ch.charCodeAt(0).toString(16)).slice(-4);
		});
		document.body.dataset.selftest = "done";
	}
})();
