"""WCAG contrast of an element's text against what is painted behind it, measured in the browser."""

# (selector, pseudo) -> the contrast ratio of the first match: its text colour (or its ::placeholder's) against
# the first opaque background among it and its ancestors (the page's white when none is opaque).
CONTRAST_JS = """
([selector, pseudo]) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const channels = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  };
  const text = channels(getComputedStyle(element, pseudo || null).color);
  let background = [255, 255, 255];
  for (let node = element; node; node = node.parentElement) {
    const fill = channels(getComputedStyle(node).backgroundColor);
    if (fill.length === 3 || (fill.length === 4 && fill[3] > 0.5)) { background = fill; break; }
  }
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}
"""
WCAG_AA = 4.5
