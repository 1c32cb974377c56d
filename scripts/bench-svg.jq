# Render one bench JSON (runner/bench/bench.c --json) as a self-contained
# SVG chart: ns per page (log scale) against page_cnt (log scale). Per
# series: the median of the repeats as a line with dots, and the min-max
# spread of the repeats as a shaded band and an error bar at each point
# (bars of different series are set a few pixels apart so they do not hide
# each other).
def W: 680; def H: 420; def L: 70; def R: 210; def T: 40; def B: 50;
def colors: ["#d62728", "#ff7f0e", "#1f77b4", "#2ca02c"];
def ok: . != null and . > 0;
. as $d
| ($d.series | length) as $ns
| [$d.series[] | (.min[], .max[], .median[]) | select(ok)] as $all
| (if ($all | length) == 0 then [1, 10] else $all end) as $all
| (($all | min | log10 | floor)) as $ylo
| (($all | max | log10 | ceil)) as $yhi0
| (if $yhi0 == $ylo then $ylo + 1 else $yhi0 end) as $yhi
| ($d.page_cnt | map(log2)) as $xs
| ($xs | min) as $xlo | ($xs | max) as $xhi
| def px(x): L + 12 + (x - $xlo) / ($xhi - $xlo) * (W - L - R - 24);
  def py(y): T + ($yhi - (y | log10)) / ($yhi - $ylo) * (H - T - B);
  def r1: . * 10 | round / 10;
"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(W)\" height=\"\(H)\" font-family=\"sans-serif\" font-size=\"12\">",
"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
"<text x=\"\(L)\" y=\"20\" font-size=\"14\">bpf_arena_free_pages: ns per page on \($d.kernel)</text>",
"<line x1=\"\(L)\" y1=\"\(H - B)\" x2=\"\(W - R)\" y2=\"\(H - B)\" stroke=\"black\"/>",
"<line x1=\"\(L)\" y1=\"\(T)\" x2=\"\(L)\" y2=\"\(H - B)\" stroke=\"black\"/>",
($d.page_cnt[] as $n | "<text x=\"\(px($n | log2) | r1)\" y=\"\(H - B + 18)\" text-anchor=\"middle\">\($n)</text>"),
"<text x=\"\((L + W - R) / 2)\" y=\"\(H - 10)\" text-anchor=\"middle\">page_cnt</text>",
(range($ylo; $yhi + 1) as $e | "<text x=\"\(L - 6)\" y=\"\(py(pow(10; $e)) + 4 | r1)\" text-anchor=\"end\">1e\($e)</text>",
  "<line x1=\"\(L)\" y1=\"\(py(pow(10; $e)) | r1)\" x2=\"\(W - R)\" y2=\"\(py(pow(10; $e)) | r1)\" stroke=\"#ddd\"/>"),
(range($ns) as $i | $d.series[$i] as $s
  | ((($i - ($ns - 1) / 2) * 4)) as $dx
  | [range($d.page_cnt | length) as $j
      | select(($s.median[$j] | ok) and ($s.min[$j] | ok) and ($s.max[$j] | ok))
      | {x: (px($d.page_cnt[$j] | log2) | r1), m: (py($s.median[$j]) | r1),
         lo: (py($s.min[$j]) | r1), hi: (py($s.max[$j]) | r1)}] as $p
  | (if ($p | length) > 0 then
      "<g stroke=\"\(colors[$i])\" fill=\"\(colors[$i])\">",
      "<polygon stroke=\"none\" fill-opacity=\"0.12\" points=\"\(([$p[] | "\(.x),\(.hi)"] + [$p | reverse[] | "\(.x),\(.lo)"]) | join(" "))\"/>",
      ($p[] | (.x + $dx | r1) as $bx
        | "<line x1=\"\($bx)\" y1=\"\(.lo)\" x2=\"\($bx)\" y2=\"\(.hi)\" stroke-width=\"1.5\"/>",
          "<line x1=\"\($bx - 4)\" y1=\"\(.lo)\" x2=\"\($bx + 4)\" y2=\"\(.lo)\" stroke-width=\"1.5\"/>",
          "<line x1=\"\($bx - 4)\" y1=\"\(.hi)\" x2=\"\($bx + 4)\" y2=\"\(.hi)\" stroke-width=\"1.5\"/>"),
      "<polyline fill=\"none\" stroke-width=\"2\" points=\"\([$p[] | "\(.x),\(.m)"] | join(" "))\"/>",
      ($p[] | "<circle cx=\"\(.x)\" cy=\"\(.m)\" r=\"3\" stroke=\"none\"/>"),
      "</g>"
    else empty end),
    "<rect x=\"\(W - R + 10)\" y=\"\(T + $i * 20)\" width=\"12\" height=\"12\" fill=\"\(colors[$i])\"/>",
    "<text x=\"\(W - R + 28)\" y=\"\(T + $i * 20 + 10)\">\($s.column)\(if ($p | length) == 0 then " (n/a)" else "" end)</text>"),
"<text x=\"\(W - R + 10)\" y=\"\(T + $ns * 20 + 16)\">line and dots: median</text>",
"<text x=\"\(W - R + 10)\" y=\"\(T + $ns * 20 + 32)\">of \($d.repeat) repeats</text>",
"<text x=\"\(W - R + 10)\" y=\"\(T + $ns * 20 + 52)\">band and bars: min-max</text>",
"<text x=\"\(W - R + 10)\" y=\"\(T + $ns * 20 + 68)\">of the repeats</text>",
"</svg>"
