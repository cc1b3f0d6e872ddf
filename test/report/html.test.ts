import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, html, scriptJson, trustedHtml } from '../../src/report/html';

describe('html templating', () => {
  it('escapes every interpolation, numbers and look-alike objects included', () => {
    const hostile = '<img src=x onerror="alert(1)">\'&';
    assert.equal(html`<p title="${hostile}">${hostile}</p>`.toString(),
      '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;</p>');
    assert.equal(html`${42}|${1.5}|${NaN}`.toString(), '42|1.5|NaN');
    const fake = { toString: () => '<script>alert(1)</script>', text: '<b>' };
    assert.equal(html`${fake}`.toString(), '&lt;script&gt;alert(1)&lt;/script&gt;', 'an object that looks safe is still escaped');
    assert.equal(html`${Object.create(Object.getPrototypeOf(html``))}`.toString().includes('<'), false);
  });

  it('passes nested html and trustedHtml through; arrays render item by item; null, undefined, false render nothing', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`);
    assert.equal(html`<ul>${items}</ul>`.toString(), '<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    assert.equal(html`${trustedHtml('<svg/>')}`.toString(), '<svg/>');
    assert.equal(html`[${null}${undefined}${false}${0}]`.toString(), '[0]');
    assert.equal(html`${['<', html`<i>`]}`.toString(), '&lt;<i>');
  });

  it('drops control characters and lone surrogates', () => {
    assert.equal(escapeHtml('a\u0000b\u0007c\u001bd\u0085e\ud800f\udc00g\ud83d\ude00'), 'abcdefg\ud83d\ude00');
    assert.equal(escapeHtml('tab\tnew\nline'), 'tab\tnew\nline');
  });

  it('scriptJson cannot close a script element or break a line in JavaScript', () => {
    const value = { label: '</script><script>alert(1)</script><!--', sep: '\u2028\u2029' };
    const text = scriptJson(value).toString();
    assert.doesNotMatch(text, /<|\u2028|\u2029/);
    assert.deepEqual(JSON.parse(text), value);
  });
});
