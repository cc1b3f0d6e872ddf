// HTML built so that escaping cannot be forgotten: the `html` tag escapes every ${} it is given, whatever its
// type (numbers too: a number read from a file may be a string), except values that are already safe HTML,
// which only `html` itself and `trustedHtml` make. `trustedHtml` is the one way to put raw markup in a page:
// grep for it to review every place that does.

/** Markup that is safe to put into a page as it is. Only `html` and `trustedHtml` make one (the class is not exported). */
class Markup {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  /** A brand check on the private field: an object that merely looks like Markup does not pass. */
  static is(value: unknown): value is Markup {
    return typeof value === 'object' && value !== null && #text in value;
  }
  toString(): string {
    return this.#text;
  }
}
export type SafeHtml = Markup;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML content or a quoted attribute value: & < > " ' escaped, and characters HTML forbids or
 * renders invisibly as control codes (C0 except tab/newline/CR, DEL, C1, lone surrogates) dropped.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(value: unknown): string {
  if (Markup.is(value)) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  let text: string;
  try {
    text = String(value);
  } catch {
    text = ''; // an object whose toString throws (or that has none) renders as nothing, not as an exception
  }
  return escapeHtml(text);
}

/**
 * The template tag: the literal parts are the page's own markup; every interpolation is escaped unless it is a
 * SafeHtml (a nested html`…` or trustedHtml). Arrays are rendered item by item; null, undefined and false
 * render as nothing, so `${cond && html`…`}` works. Attribute values must be quoted in the template.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Markup(out);
}

/**
 * Raw markup, unescaped: only for markup built by code that escapes on its own (the SVG charts of
 * io/plot.ts). Never for text from a file.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new Markup(markup);
}

/**
 * JSON for a <script> element: `<` is written as \u003c so no string can close the script (`</script>`) or
 * open a comment, and U+2028/U+2029 are escaped as well.
 */
export function scriptJson(value: unknown): SafeHtml {
  return new Markup(JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
}
