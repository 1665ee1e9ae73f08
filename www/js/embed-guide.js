// The embedding guide (embed.html): lists the presets from presets.js, so the guide
// names exactly the presets the page has, each with a link that opens its embed.

import { h, replaceChildren } from './dom.js';
import { PRESET_LIST } from './presets.js';

function presetRow(preset) {
  const href = `./?embed=1&preset=${encodeURIComponent(preset.id)}`;
  return h('tr', {}, [h('th', { scope: 'row' }, [h('a', { href }, [h('code', { text: preset.id })])]), h('td', { text: preset.title })]);
}

replaceChildren(document.getElementById('preset-list'), PRESET_LIST.map(presetRow));
