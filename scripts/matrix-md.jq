# Render build/matrix.json as a Markdown table: rows are tests, columns are
# kernels, each cell the observed verdict, failures in bold.
def code:
  {"accept": "A", "reject": "R", "absent": "·", "skip": "s", "error": "E"}[.observed];
def cell:
  if . == null then " "
  elif .status == "fail" or .status == "xpass" then "**" + code + "✗**"
  else code end;
def testname: .name + (if .sleepable then ".s" else "" end);
def release: if .result then .result.kernel | sub("-cloud-amd64$"; "") | sub("\\+deb.*$"; "") else .kernel end;

.kernels as $k
| ([$k[] | .result.cases // [] | .[] | testname] | reduce .[] as $n ([]; if index([$n]) then . else . + [$n] end)) as $rows
| [$k[] | ((.result.cases // []) | map({key: testname, value: .}) | from_entries)] as $cells
| "# bpf_arena_free_pages conformance matrix\n",
  "Cells: **A** accepted, **R** rejected, **·** absent (no kfunc or arena in this kernel), **s** skipped (the kernel cannot load the program type at all; see the JSON for why), **E** a runtime check failed (a known kernel bug when not bold). A plain cell matched `expected/`; a bold cell marked ✗ did not. `name.s` is the case loaded with BPF_F_SLEEPABLE.\n",
  "| test | " + ([$k[] | release] | join(" | ")) + " |",
  "|---|" + ([$k[] | "---"] | join("|")) + "|",
  "| **pass / fail / skip** | " + ([$k[] | if .result then "\(.result.summary.pass) / \(.result.summary.fail) / \(.result.summary.skip)" else "no verdict (exit \(.exit))" end] | join(" | ")) + " |",
  "| boot-to-verdict / bare boot | " + ([$k[] | if .verdict_s and .bare_boot_s then "\(.verdict_s)s / \(.bare_boot_s)s" else "?" end] | join(" | ")) + " |",
  ($rows[] as $r | "| " + $r + " | " + ([$cells[] | .[$r] | cell] | join(" | ")) + " |")
