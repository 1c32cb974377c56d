# bench-merge.jq - pool the rounds of one kernel's make bench into one result
#
#   jq -s -f bench-merge.jq ROUND.json...
#
# A round is one `bench --json` of runner/bench/bench.c: one process on
# this machine, or one VM boot.  The repeats of one round share that
# process or boot (its memory layout, and under TCG its translation
# cache), so their min-max misses what differs from one boot to the next.
# scripts/bench.sh therefore measures in rounds and pools them here.
#
# The result has bench.c's shape: each size's repeats are those of every
# round, and median, min and max are over all of them, as bench.c computes
# them (nulls, sizes that were not measured, are left out); allocation and
# wait counts are summed; the waits' median and max are over every wait of
# every round; the idle probe is the median of the rounds'.  "rounds" says
# how many there were, "repeat" counts the repeats of all of them.
#
# Rounds of different kernels, series or sizes are an error.

def median:
	sort | length as $n
	| if $n == 0 then null
	  elif $n % 2 == 1 then .[($n - 1) / 2]
	  else (.[$n / 2 - 1] + .[$n / 2]) / 2 end;

# One decimal, as bench.c writes its numbers.
def dec1: if . == null then null else . * 10 | round / 10 end;

def values_of: map(select(. != null));

# Per size, the values of every round: [[round 1's values], ...] -> [all].
def pool(rows): [range(rows[0] | length) as $i | [rows[][$i][]]];

# Per size, the sum of every round's count.
def sum_rows(rows): [range(rows[0] | length) as $i | [rows[][$i]] | add];

def same(what; f):
	(map(f) | unique) as $u
	| if ($u | length) != 1 then error("the rounds differ in \(what): \($u | tojson)")
	  else . end;

def merge_wait:
	if .[0] == null then null
	else
		pool(map(.samples_us)) as $all
		| .[0] + {
			samples_us: $all,
			median_us: [$all[] | values_of | median | dec1],
			max_us: [$all[] | values_of | max],
			waits: sum_rows(map(.waits)),
			retried: sum_rows(map(.retried)),
			timeouts: sum_rows(map(.timeouts)),
			idle_probe_us: (map(.idle_probe_us) | values_of | median | dec1)
		}
	end;

def merge_series:
	pool(map(.repeats)) as $reps
	| .[0] + {
		repeats: $reps,
		median: [$reps[] | values_of | median | dec1],
		min: [$reps[] | values_of | min],
		max: [$reps[] | values_of | max],
		note: (map(.note) | map(select(. != "")) | unique | join("; ")),
		finding: (map(.finding) | map(select(. != "")) | unique | join("; "))
	}
	+ (if .[0].allocations == null then {} else
		{allocations: sum_rows(map(.allocations)),
		 failed: sum_rows(map(.failed))} end)
	+ (if .[0].wait == null then {} else {wait: (map(.wait) | merge_wait)} end);

if length == 0 then error("no rounds to merge") else . end
| same("kernel"; .kernel)
| same("page_cnt"; .page_cnt)
| same("series"; [.series[].name])
| . as $rounds
| .[0] + {
	rounds: length,
	repeat: (map(.repeat) | add),
	method: "each repeat is the mean over runs_per_repeat calls; the repeats come from \(length) rounds (processes, or VM boots); median, min and max are over the repeats of every round",
	series: [range(.[0].series | length) as $j | $rounds | map(.series[$j]) | merge_series]
}
