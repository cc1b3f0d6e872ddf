import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downsample, escapeXml, lineChartSvg, logTicks, niceTicks } from '../../src/io/plot';

/** Checks that every tag closes in order and no raw '<' or '&' sits in text; returns the element names. */
function checkWellFormed(svg: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  const token = /<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  while (token.lastIndex < svg.length && (match = token.exec(svg))) {
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      assert.doesNotMatch(text, /&(?!(amp|lt|gt|quot);)/, `raw & in ${JSON.stringify(text)}`);
      continue;
    }
    if (closing) assert.equal(open.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) open.push(name);
    names.push(name);
  }
  assert.equal(token.lastIndex, svg.length, `unparsable from ${JSON.stringify(svg.slice(token.lastIndex, token.lastIndex + 40))}`);
  assert.deepEqual(open, [], 'unclosed elements');
  return names;
}

const polylines = (svg: string) => [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));

describe('lineChartSvg', () => {
  it('draws a well-formed SVG: one polyline per series, a legend, escaped text, NaN points skipped', () => {
    const svg = lineChartSvg({
      title: 'A <b> & "c"', xLabel: 'step', yLabel: 'loss',
      series: [{ name: 'Loss_D <real>', points: [[0, 1], [1, NaN], [2, 0.5], [Infinity, 3]] }, { name: 'Loss_G', points: [[0, 2], [2, 3]] }],
    });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="720" height="360"/);
    const names = checkWellFormed(svg.trim());
    assert.equal(names[0], 'svg');
    assert.match(svg, />A &lt;b&gt; &amp; &quot;c&quot;</);
    assert.match(svg, />Loss_D &lt;real&gt;</);
    assert.match(svg, />Loss_G</);
    assert.match(svg, />step</);
    assert.match(svg, />loss</);
    assert.doesNotMatch(svg, /NaN|Infinity/);
    const [first, second] = polylines(svg);
    assert.equal(first.length, 2, 'the NaN and the infinite point are dropped');
    assert.equal(second.length, 2);
    const colours = [...svg.matchAll(/<polyline[^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    assert.notEqual(colours[0], colours[1]);
  });

  it('maps data to the plot box: y grows upward, the extremes touch the box edges', () => {
    const svg = lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 's', points: [[0, 0], [10, 5]] }], width: 400, height: 300 });
    // Margins: left 64, right 150, top 36, bottom 48 → box x 64…250, y 36…252.
    assert.deepEqual(polylines(svg)[0], [[64, 252], [250, 36]]);
    assert.match(svg, /viewBox="0 0 400 300"/);
  });

  it('handles no points, a single point and a flat line', () => {
    const empty = lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 'e', points: [] }] });
    checkWellFormed(empty.trim());
    assert.doesNotMatch(empty, /<polyline|<circle/);
    assert.match(empty, />e</, 'the legend still names the series');
    const one = lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 'one', points: [[3, 4]] }] });
    checkWellFormed(one.trim());
    assert.match(one, /<circle cx="[\d.]+" cy="[\d.]+"/);
    const flat = lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 'f', points: [[0, 2], [1, 2]] }] });
    assert.doesNotMatch(flat, /NaN/);
    checkWellFormed(lineChartSvg({ title: 't', xLabel: 'x', series: [] }).trim());
  });

  it('a single point (one FID evaluation) gets a visible marker, its value, and axes around it', () => {
    const svg = lineChartSvg({ title: 'FID', xLabel: 'step', series: [{ name: 'FID', points: [[3000, 42.5]] }], width: 600, height: 280 });
    checkWellFormed(svg.trim());
    const marker = svg.match(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/);
    assert.ok(marker, 'a marker is drawn');
    const [cx, cy, r] = marker.slice(1).map(Number);
    assert.ok(r >= 4, `marker radius ${r}`);
    // Margins: left 64, right 150, top 36, bottom 48 → box x 64…450, y 36…232; the point sits in the middle.
    assert.deepEqual([cx, cy], [257, 134]);
    assert.match(svg, /<text [^>]*>42\.5<\/text>/, 'the value is written beside the point');
    const yTicks = [...svg.matchAll(/<text x="58" [^>]*text-anchor="end">([^<]+)</g)].map((m) => Number(m[1]));
    assert.ok(yTicks.length >= 3 && yTicks.every((t) => t > 35 && t < 50), `y ticks ${yTicks} surround 42.5`);
    assert.match(svg, />3000</, 'the step is on the x axis');
    // A flat series: the same axis around its value, and a line across the middle.
    const flat = lineChartSvg({ title: 'f', xLabel: 'x', series: [{ name: 'f', points: [[0, 42.5], [10, 42.5]] }], width: 600, height: 280 });
    assert.deepEqual(polylines(flat)[0].map(([, y]) => y), [134, 134]);
    // Values at the ends of the doubles and below the smallest normal one still give a finite axis.
    for (const v of [Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 0]) {
      const edge = lineChartSvg({ title: 'e', xLabel: 'x', series: [{ name: 'e', points: [[1, v]] }] });
      assert.doesNotMatch(edge, /NaN|Infinity/, String(v));
      checkWellFormed(edge.trim());
    }
  });

  it('points and names from a hostile file: no NaN or Infinity in the SVG, names escaped', () => {
    const svg = lineChartSvg({
      title: 't', xLabel: 'x',
      series: [
        { name: '<script>alert(1)</script>', points: [[1, 1e308], [2, -1e308], [3, NaN], ['4', 5], [5, Infinity], [null, 1], [6] , [7, '8'], [8, 2]] as never },
        { name: 42 as never, points: [[-1.7e308, 1], [1.7e308, 2]] },
      ],
    });
    checkWellFormed(svg.trim());
    assert.doesNotMatch(svg, /NaN|Infinity|undefined|<script/);
    assert.match(svg, />&lt;script&gt;alert\(1\)&lt;\/script&gt;</);
    assert.equal(polylines(svg)[0].length, 3, 'only the three finite numeric points are drawn');
    for (const line of polylines(svg)) for (const [x, y] of line) assert.ok(Number.isFinite(x) && Number.isFinite(y));
  });

  it('labels axes with round tick values', () => {
    const svg = lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 's', points: [[0, 0.13], [25000, 0.92]] }] });
    const labels = [...svg.matchAll(/text-anchor="(end|middle)">([^<]+)</g)].map((m) => m[2]);
    for (const y of ['0.2', '0.4', '0.6', '0.8']) assert.ok(labels.includes(y), `y tick ${y} in ${labels}`);
    for (const x of ['0', '5000', '10000', '25000']) assert.ok(labels.includes(x), `x tick ${x} in ${labels}`);
  });


  it('a log y axis places each decade equally apart, drops y ≤ 0 and labels ticks with values', () => {
    const svg = lineChartSvg({
      title: 't', xLabel: 'x', yLabel: 'FID', logY: true, width: 400, height: 300,
      series: [{ name: 's', points: [[0, 1000], [1, 100], [2, 10], [3, 0], [4, -5]] }],
    });
    checkWellFormed(svg.trim());
    // Box y 36…252: 1000 at the top, 10 at the bottom, 100 exactly half way (a linear axis would put it at 90%).
    assert.deepEqual(polylines(svg)[0].map(([, y]) => y), [36, 144, 252]);
    const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    for (const y of ['10', '20', '50', '100', '200', '500', '1000']) assert.ok(labels.includes(y), `y tick ${y} in ${labels}`);
    assert.match(svg, />FID \(log scale\)</);
  });
});

describe('chart helpers', () => {
  it('logTicks: 1, 2 and 5 × 10^k inside the range, only powers of ten over many decades, none for y ≤ 0', () => {
    assert.deepEqual(logTicks(27, 1369), [50, 100, 200, 500, 1000]);
    assert.deepEqual(logTicks(0.3, 4), [0.5, 1, 2]);
    assert.deepEqual(logTicks(1e-3, 1e5), [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000, 100000]);
    assert.deepEqual(logTicks(0, 10), []);
    assert.deepEqual(logTicks(-1, 10), []);
  });

  it('niceTicks picks 1, 2 or 5 × 10^k inside the range', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(3, 47), [10, 20, 30, 40]);
    assert.deepEqual(niceTicks(-0.3, 0.3), [-0.2, 0, 0.2]);
    assert.deepEqual(niceTicks(0.1, 0.5), [0.1, 0.2, 0.3, 0.4, 0.5], 'no 0.30000000000000004');
    assert.deepEqual(niceTicks(1234, 98765), [20000, 40000, 60000, 80000]);
    assert.deepEqual(niceTicks(2, 2), [2]);
  });

  it('downsample keeps ≤ 2000 points, a single spike up or down, and x order', () => {
    const points: Array<[number, number]> = Array.from({ length: 100_000 }, (_, i) => [i, i === 77_777 ? 100 : i === 12_345 ? -50 : Math.sin(i / 1000)]);
    const kept = downsample(points);
    assert.ok(kept.length <= 2000 && kept.length > 1000, `${kept.length} points`);
    assert.ok(kept.some(([x, y]) => x === 77_777 && y === 100));
    assert.ok(kept.some(([x, y]) => x === 12_345 && y === -50));
    assert.ok(kept.every((p, i) => i === 0 || p[0] > kept[i - 1][0]), 'strictly increasing x');
    const short: Array<[number, number]> = [[0, 1], [1, 2]];
    assert.equal(downsample(short), short);
    // And through the chart: the spike's y is the top of the plot box.
    const svg = lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 's', points }] });
    const line = polylines(svg)[0];
    assert.ok(line.length <= 2000);
    assert.equal(Math.min(...line.map((p) => p[1])), 36);
  });

  it('escapeXml escapes markup characters and drops ones XML forbids', () => {
    assert.equal(escapeXml('a<b>&"c"\u0001'), 'a&lt;b&gt;&amp;&quot;c&quot;');
  });
});
