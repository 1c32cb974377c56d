# Render one bench JSON (runner/bench/bench.c --json) as an SVG line chart:
# ns per page (log scale) against page_cnt (log scale), one line per series.
def W: 640; def H: 400; def L: 70; def R: 200; def T: 40; def B: 50;
def colors: ["#d62728", "#ff7f0e", "#1f77b4", "#2ca02c"];
. as $d
| [$d.series[].ns_per_page[] | select(. != null and . > 0)] as $all
| (($all | min | log10 | floor)) as $ylo
| (($all | max | log10 | ceil)) as $yhi0
| (if $yhi0 == $ylo then $ylo + 1 else $yhi0 end) as $yhi
| ($d.page_cnt | map(log2)) as $xs
| ($xs | min) as $xlo | ($xs | max) as $xhi
| def px(x): L + (x - $xlo) / ($xhi - $xlo) * (W - L - R);
  def py(y): T + ($yhi - (y | log10)) / ($yhi - $ylo) * (H - T - B);
"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(W)\" height=\"\(H)\" font-family=\"sans-serif\" font-size=\"12\">",
"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
"<text x=\"\(L)\" y=\"20\" font-size=\"14\">bpf_arena_free_pages: ns per page on \($d.kernel)</text>",
"<line x1=\"\(L)\" y1=\"\(H - B)\" x2=\"\(W - R)\" y2=\"\(H - B)\" stroke=\"black\"/>",
"<line x1=\"\(L)\" y1=\"\(T)\" x2=\"\(L)\" y2=\"\(H - B)\" stroke=\"black\"/>",
($d.page_cnt[] as $n | "<text x=\"\(px($n | log2))\" y=\"\(H - B + 18)\" text-anchor=\"middle\">\($n)</text>"),
"<text x=\"\((L + W - R) / 2)\" y=\"\(H - 10)\" text-anchor=\"middle\">page_cnt</text>",
(range($ylo; $yhi + 1) as $e | "<text x=\"\(L - 6)\" y=\"\(py(pow(10; $e)) + 4)\" text-anchor=\"end\">1e\($e)</text>",
  "<line x1=\"\(L)\" y1=\"\(py(pow(10; $e)))\" x2=\"\(W - R)\" y2=\"\(py(pow(10; $e)))\" stroke=\"#ddd\"/>"),
(range($d.series | length) as $i | $d.series[$i] as $s
  | ([range($d.page_cnt | length) as $j | select($s.ns_per_page[$j] != null and $s.ns_per_page[$j] > 0)
      | "\(px($d.page_cnt[$j] | log2)),\(py($s.ns_per_page[$j]))"] | join(" ")) as $pts
  | (if $pts != "" then "<polyline fill=\"none\" stroke=\"\(colors[$i])\" stroke-width=\"2\" points=\"\($pts)\"/>" else empty end),
    "<rect x=\"\(W - R + 10)\" y=\"\(T + $i * 20)\" width=\"12\" height=\"12\" fill=\"\(colors[$i])\"/>",
    "<text x=\"\(W - R + 28)\" y=\"\(T + $i * 20 + 10)\">\($s.column)\(if $pts == "" then " (n/a)" else "" end)</text>"),
"</svg>"
