# Render matrix.json as one self-contained HTML page: the data as JSON in
# the page, and the CSS and JS that draw and filter the table inline (no
# network). Run by matrix-html.sh, which passes:
#   $themes  [{TEST-KEY: THEME}] from the runner's --list (a test's theme is
#            its object, args.bpf.o -> "args"), or [] when there is no list
#   $css     the stylesheet (matrix-html.css)
#   $js      the script (matrix-html.js)
# A TEST-KEY is the name, with ".s" for the case loaded with BPF_F_SLEEPABLE.

def testkey: .name + (if .sleepable then ".s" else "" end);
def short_type: sub("^BPF_PROG_TYPE_"; "") | ascii_downcase;
# The theme: the test's object per --list; without a list, its program
# type; in a list that lacks it (an older build), said so.
def theme($t):
  if $t == null then "type " + (.prog_type | short_type)
  else $t[testkey] // "not in conform --list" end;
# "</" cannot end the <script> that holds the JSON: "<" is "\u003c" there.
def script_json: tojson | gsub("<"; "\\u003c");

($themes[0]) as $t
| .kernels as $k
# Rows: every test of every kernel, in first-seen order, grouped by theme
# (themes in first-seen order too).
| ([$k[] | .result.cases // [] | .[] | {key: testkey, name, sleepable, prog_type, attach, call,
      theme: theme($t)}]
   | reduce .[] as $c ({seen: {}, list: []};
       if .seen[$c.key] then . else .seen[$c.key] = true | .list += [$c] end)
   | .list) as $all
| ($all | map(.theme) | reduce .[] as $x ([]; if index([$x]) then . else . + [$x] end)) as $order
| [$order[] as $th | $all[] | select(.theme == $th)] as $rows
| {
    kernels: [$k[] | {
      kernel, arch: (.arch // "amd64"), exit, error: (.error // null),
      release: (.result.kernel // null), version: (.result.kernel_version // null),
      has_kfunc: (.result.btf_has_kfunc // false), verdict: (.result != null),
      summary: (.result.summary // null), verdict_s: (.verdict_s // null),
      bare_boot_s: (.bare_boot_s // null)}],
    rows: $rows,
    # cells[KERNEL][ROW]: the case, or null where the kernel did not run it.
    cells: [$k[] | ((.result.cases // []) | map({key: testkey, value: .}) | from_entries) as $c
      | [$rows[] | $c[.key] // null
         | if . then {observed, errno, message, expected, expected_message, status,
                      reason, usec, run} else null end]]
  } as $data
| "<!DOCTYPE html>",
  "<html lang=\"en\">",
  "<head>",
  "<meta charset=\"utf-8\">",
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
  "<title>bpf_arena_free_pages conformance matrix</title>",
  "<style>", $css, "</style>",
  "</head>",
  "<body>",
  "<header>",
  "<h1>bpf_arena_free_pages conformance matrix</h1>",
  "<p id=\"summary\">\($rows | length) tests on \($k | length) kernels. Hover a cell for the verifier's line and the rule; click it for everything the runner recorded.</p>",
  "<form id=\"filters\" onsubmit=\"return false\">",
  "<label>program type <select id=\"f-type\"><option value=\"\">all</option></select></label>",
  "<label>theme <select id=\"f-theme\"><option value=\"\">all</option></select></label>",
  "<label>outcome <select id=\"f-outcome\"><option value=\"\">any</option></select></label>",
  "<label>flag <select id=\"f-flag\"><option value=\"\">both</option><option value=\"plain\">plain</option><option value=\"sleepable\">sleepable</option></select></label>",
  "<label><input type=\"checkbox\" id=\"f-differs\"> differs across kernels</label>",
  "<label>name <input type=\"search\" id=\"f-name\" size=\"14\" placeholder=\"substring\"></label>",
  "<span id=\"shown\"></span>",
  "</form>",
  "<details id=\"legend\"><summary>key: <span class=\"cell o-accept\">A</span> accepted <span class=\"cell o-reject\">R</span> rejected <span class=\"cell o-absent\">·</span> absent <span class=\"cell o-helper-absent\">h</span> helper absent <span class=\"cell o-skip\">s</span> skipped <span class=\"cell o-error\">E</span> error <span class=\"cell o-error st-xfail\">X</span> xfail <span class=\"cell st-fail\">✗</span> not as expected; run: <b class=\"r-runs\">▶</b> runs <b class=\"r-no-effect\">▷</b> no effect <b class=\"r-attach-refused\">⊘</b> attach refused (more)</summary>",
  "<p>First the load stage (what the verifier said), then the run stage (what happened when the accepted program was attached and fired). A plain cell matched <code>expected/</code>; a bold, red-framed one with ✗ did not.</p>",
  "<ul>",
  "<li><span class=\"cell o-accept\">A</span> accepted, <span class=\"cell o-reject\">R</span> rejected, <span class=\"cell o-absent\">·</span> absent: no arena or no <code>bpf_arena_free_pages</code>, <span class=\"cell o-helper-absent\">h</span> absent: the kernel has <code>bpf_arena_free_pages</code> but not a helper kfunc the case also calls, <span class=\"cell o-skip\">s</span> skipped: the kernel cannot load the program type or attach point at all, <span class=\"cell o-error\">E</span> error: a runtime check failed (a matrix.json from before the run stage judged runtime cases)</li>",
  "<li><span class=\"cell o-error st-xfail\">X</span> xfail: a known kernel bug that <code>expected/</code> records reproduced (a run stage's <code>error</code> or <code>splat</code> rule), <span class=\"cell st-xpass\">P✗</span> xpass: a known bug did not show (the rule's kernel range is wrong)</li>",
  "<li>run stage: <b class=\"r-runs\">▶</b> runs (the page was freed), <b class=\"r-no-effect\">▷</b> no effect (fired, page still there), <b class=\"r-attach-refused\">⊘</b> attach refused, <b class=\"r-splat\">⚠</b> kernel splat, <b class=\"r-skip\">◇</b> skipped, <b class=\"r-error\">✖</b> error; none: the run stage did not run the case</li>",
  "<li>a thick left edge: the outcome changed from the kernel on the left; a blank cell: the kernel did not run that test; a column marked ⚑: the kernel gave no verdict</li>",
  "<li>\"differs across kernels\" compares the kernels that have <code>bpf_arena_free_pages</code> (on the others every test is absent)</li>",
  "</ul></details>",
  "</header>",
  "<main>",
  "<table id=\"matrix\"><thead></thead></table>",
  "</main>",
  "<aside id=\"details\" hidden><button type=\"button\" id=\"details-close\" title=\"close\">×</button><div id=\"details-body\"></div></aside>",
  "<pre id=\"selftest\" hidden></pre>",
  "<script type=\"application/json\" id=\"matrix-data\">" + ($data | script_json) + "</script>",
  "<script>", $js, "</script>",
  "</body>",
  "</html>"
