import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downsample, lineChartSvg, niceTicks } from '../../src/io/plot';

describe('lineChartSvg', () => {
  it('draws one polyline per series with a legend, escapes text and skips non-finite points', () => {
    const svg = lineChartSvg({
      title: 'A <b> & c', xLabel: 'step',
      series: [{ name: 'Loss_D', points: [[0, 1], [1, NaN], [2, 0.5]] }, { name: 'Loss_G', points: [[0, 2], [2, 3]] }],
    });
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
    assert.match(svg, /A &lt;b&gt; &amp; c/);
    assert.match(svg, />Loss_D</);
    assert.doesNotMatch(svg, /NaN/);
    // 2 finite points in the first series: its polyline has exactly two coordinates
    const first = /<polyline[^>]*points="([^"]+)"/.exec(svg)![1];
    assert.equal(first.split(' ').length, 2);
  });

  it('handles empty and single-point series', () => {
    assert.match(lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 'e', points: [] }] }), /<\/svg>/);
    assert.match(lineChartSvg({ title: 't', xLabel: 'x', series: [{ name: 'one', points: [[3, 4]] }] }), /<circle/);
  });

  it('nice ticks are round numbers covering the range', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(3, 47), [10, 20, 30, 40]);
  });

  it('downsampling keeps a single spike', () => {
    const points: Array<[number, number]> = Array.from({ length: 10000 }, (_, i) => [i, i === 7777 ? 100 : 1]);
    const kept = downsample(points);
    assert.ok(kept.length <= 2000);
    assert.ok(kept.some(([x, y]) => x === 7777 && y === 100));
  });
});
