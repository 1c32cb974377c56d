# Render build/matrix.json as Markdown: a table whose rows are tests and
# columns kernels, each cell the observed outcome, failures in bold; then
# the rows whose outcome differs between kernels, with several
# architectures the tests whose verdict differs between architectures on
# the same version, and the kernels that gave no verdict, with why.  With
# more than one architecture, a column is "VERSION ARCH" (or the flavour,
# for one that is not the architecture's default: rt-arm64,
# powerpc64le-64k); a row without "arch" (an older matrix.json) is amd64.

# The observed outcome: A R · h s E, or ? for one this script does not know.
# "h" is an absent caused only by a helper kfunc the case also calls (the
# runner's reason names it): the kernel has bpf_arena_free_pages ($has).
def outcome($has):
  if .observed == "absent" and $has
     and ((.reason // "") | test("has no kfunc ") and (contains("bpf_arena_free_pages") | not))
  then "h"
  else {"accept": "A", "reject": "R", "absent": "·", "skip": "s", "error": "E"}[.observed] // "?"
  end;
def cell($has):
  if . == null then " "
  elif .status == "xfail" then "X"
  elif .status == "xpass" then "**P✗**"
  elif .status == "fail" then "**" + outcome($has) + "✗**"
  else outcome($has) end;
def testname: .name + (if .sleepable then ".s" else "" end);
def default_flavour: {"amd64": "cloud-amd64", "arm64": "cloud-arm64", "s390x": "s390x",
                      "riscv64": "riscv64", "ppc64el": "powerpc64le"}[.arch // "amd64"];
def platform: if .flavour and .flavour != default_flavour then .flavour else .arch // "amd64" end;
def version:
  if .result then (.flavour // default_flavour) as $f | .result.kernel | sub("-" + $f + "$"; "") | sub("\\+deb.*$"; "")
  else .kernel end;
def release($multi): version + (if $multi and .result then " " + platform else "" end);
def summary:
  if .result then
    .result.summary
    | "\(.pass) / \(.fail) / \(.skip)"
      + ([if (.xfail // 0) > 0 then "\(.xfail) xfail" else empty end,
          if (.xpass // 0) > 0 then "\(.xpass) xpass" else empty end]
         | if length > 0 then " (" + join(", ") + ")" else "" end)
  else "no verdict (exit \(.exit))" end
  + if .result and .exit != 0 then ", **exit \(.exit)**" else "" end;

.kernels as $k
| ([$k[] | platform] | unique | length > 1) as $multi
| [$k[] | .result.btf_has_kfunc // false] as $has
| ([$k[] | .result.cases // [] | .[] | testname] | reduce .[] as $n ([]; if index([$n]) then . else . + [$n] end)) as $rows
| [$k[] | ((.result.cases // []) | map({key: testname, value: .}) | from_entries)] as $cells
| def line($r): "| " + $r + " | " + ([range($k | length) as $i | $cells[$i][$r] | cell($has[$i])] | join(" | ")) + " |";
  def header: "| test | " + ([$k[] | release($multi)] | join(" | ")) + " |", "|---|" + ([$k[] | "---"] | join("|")) + "|";
  # Compared: the kernels that have the kfunc (on the others every test
  # is absent, which says nothing about one test).
  [range($k | length) | select($has[.])] as $cmp
| [$rows[] as $r
   | select([$cmp[] as $i | $cells[$i][$r] // empty | outcome($has[$i])] | unique | length > 1)
   | $r] as $differ
| [range($k | length) | select($has[.] | not) | $k[.] | select(.result) | release($multi)] as $without
  # Columns with a result, grouped by series (6.12, 7.0: Debian's uploads
  # of one series differ between architectures), where the series ran on
  # more than one architecture (or flavour).
| def series: .result.kernel_version | split(".") | .[0:2] | join(".") | sub("-rc.*$"; "");
  [range($k | length) | select($k[.].result)] as $withres
| ($withres | group_by($k[.] | series)
   | map(select([.[] as $i | $k[$i] | platform] | unique | length > 1))) as $vgroups
| "# bpf_arena_free_pages conformance matrix\n",
  "Cells, what the kernel did:\n",
  "- **A** accepted",
  "- **R** rejected",
  "- **·** absent: the kernel has no arena or no `bpf_arena_free_pages`",
  "- **h** absent: the kernel has `bpf_arena_free_pages`, but not a helper kfunc the case also calls (the JSON's `reason` names it)",
  "- **s** skipped: the kernel cannot load the program type or attach point at all (the JSON says why)",
  "- **E** error: a runtime check failed (a matrix.json from before the run stage judged runtime cases)",
  "- **X** xfail: a known kernel bug that `expected/` records reproduced (a run stage's `error` or `splat` rule)",
  "- **P✗** xpass: `expected/` records a known kernel bug, but it did not show (a failure: the rule's kernel range is wrong)",
  "- **?** an outcome this table does not know (the JSON's `observed` says it)",
  "- bold with ✗: did not match `expected/`; a plain cell did",
  "- blank: the test was not run on that kernel\n",
  "`name.s` is the case loaded with BPF_F_SLEEPABLE. The first row counts pass / fail / skip.\n",
  header,
  "| **pass / fail / skip** | " + ([$k[] | summary] | join(" | ")) + " |",
  "| boot-to-verdict / bare boot | " + ([$k[] | if .verdict_s and .bare_boot_s then "\(.verdict_s)s / \(.bare_boot_s)s" else "?" end] | join(" | ")) + " |",
  ($rows[] as $r | line($r)),
  "\n## Rows that differ across kernels\n",
  (if ($without | length) > 0 then
     "Kernels without `bpf_arena_free_pages` (\($without | join(", "))), where every test is absent, are left out of the comparison.\n"
   else empty end),
  if ($cmp | length) < 2 then "Fewer than two kernels with the kfunc gave a verdict: nothing to compare."
  elif ($differ | length) == 0 then "No test's outcome differs between these kernels."
  else "\($differ | length) of \($rows | length) tests have a different outcome on some kernel.\n", header, ($differ[] as $r | line($r))
  end,
  # Per version: the tests whose cell (outcome and pass or fail) is not
  # the same on every architecture.
  (if $multi then
     "\n## Verdicts that differ between architectures on the same version\n",
     if ($vgroups | length) == 0 then "No series ran on more than one architecture."
     else
       ($vgroups[] as $g
        | [$rows[] as $r | select([$g[] as $i | $cells[$i][$r] | cell($has[$i])] | unique | length > 1) | $r] as $d
        | "### \($k[$g[0]] | series)\n",
          if ($d | length) == 0 then "No test differs.\n"
          else "\($d | length) of \($rows | length) tests differ.\n",
            "| test | " + ([$g[] | $k[.] | release(true)] | join(" | ")) + " |",
            "|---|" + ([$g[] | "---"] | join("|")) + "|",
            ($d[] as $r | "| " + $r + " | " + ([$g[] as $i | $cells[$i][$r] | cell($has[$i])] | join(" | ")) + " |"),
            ""
          end)
     end
   else empty end),
  (def problems($title):
     if length == 0 then empty
     else "\n## " + $title + "\n",
       (.[] | "- **\(.kernel)** (exit \(.exit)): \(.error // "no verdict")",
         if (.console_tail // []) | length > 0 then
           "\n  Last lines of its console:\n\n  ```", (.console_tail[] | "  " + .), "  ```"
         else empty end)
     end;
   ([$k[] | select(.result == null)] | problems("Kernels without a verdict")),
   ([$k[] | select(.result and .error)] | problems("Kernels whose exit status no failed test explains")))
