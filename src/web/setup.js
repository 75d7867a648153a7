// The practice set-up page: reads the form, shows the widget live with those settings (through
// the same loader a practice's page uses), and writes both snippets. Nothing leaves the browser.
import { mountWidget } from './alliance-checkin.js';

const form = document.getElementById('settings');
const preview = document.getElementById('preview');
const questionnaire = document.getElementById('questionnaire');
const loader = new URL('alliance-checkin.js', location.href).href;
const page = new URL('./', location.href).href;
const QUESTIONNAIRE_ID = 'practice-questionnaire';
// Defaults a snippet leaves out.
const DEFAULTS = { accent: '#1b6670', 'show-history': 'yes', 'keep-history': 'yes' };
// Settings a link may not set (NOT_FROM_A_LINK in src/domain/settings.rs): on the widget's own
// page they come only from a configuration file beside it, configs/<name>.json.
const NOT_FROM_A_LINK = [
  'therapist-email',
  'therapist-name',
  'safety-text',
  'keep-history',
  'namespace',
  'questionnaire',
  'total-below',
  'item-below',
];
const configName = document.getElementById('config-name');
const configText = document.getElementById('config-file');
/** The file name as typed, if it is one the widget accepts (else `practice`). */
const fileName = () => (/^[a-z0-9-]{1,32}$/.test(configName.value) ? configName.value : 'practice');

/** The settings as attribute name -> value, leaving out empty fields and defaults. */
function settings() {
  const values = {};
  for (const field of form.elements) {
    if (!field.name || field === questionnaire) continue;
    const value = field.type === 'checkbox' ? (field.checked ? 'yes' : 'no') : field.value.trim();
    if (value !== '' && DEFAULTS[field.name] !== value) values[field.name] = value;
  }
  return values;
}

const escapeHtml = (text) =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function elementSnippet(values, definition) {
  const attributes = Object.entries(values)
    .map(([name, value]) => `\n     data-${name}="${escapeHtml(value)}"`)
    .join('');
  const questionnaireAttribute = definition ? `\n     data-questionnaire="#${QUESTIONNAIRE_ID}"` : '';
  const block = definition
    ? `<script type="application/json" id="${QUESTIONNAIRE_ID}">\n${definition.replaceAll('</', '<\\/')}\n</script>\n`
    : '';
  return `${block}<div data-alliance-checkin${attributes}${questionnaireAttribute}></div>\n<script type="module" src="${loader}"></script>`;
}

/** The settings a link may not carry, as the configuration file's text (empty: none). */
function configFile(values, definition) {
  const settings = {};
  for (const name of NOT_FROM_A_LINK) if (values[name] !== undefined) settings[name] = values[name];
  if (definition) {
    try {
      settings.questionnaire = JSON.parse(definition);
    } catch {
      // The preview names the problem; a file never carries text that is not JSON.
    }
  }
  return Object.keys(settings).length ? `${JSON.stringify(settings, null, 2)}\n` : '';
}

function iframeSnippet(values, config) {
  const linkable = Object.entries(values).filter(([name]) => !NOT_FROM_A_LINK.includes(name));
  const query = new URLSearchParams(config ? [['config', fileName()], ...linkable] : linkable).toString();
  const src = query ? `${page}?${query}` : page;
  return `<iframe id="alliance-checkin" src="${escapeHtml(src)}" title="Session check-in"
        allow="clipboard-write; web-share" loading="lazy"
        style="display:block;width:100%;height:900px;border:0"></iframe>
<script>
  // Sizes the frame to the check-in, so it never scrolls inside your page.
  addEventListener('message', (event) => {
    const frame = document.getElementById('alliance-checkin');
    if (event.source === frame.contentWindow && event.data?.type === 'alliance-checkin:height') {
      frame.style.height = event.data.height + 'px';
    }
  });
</script>`;
}

let mounted;
let generation = 0;

async function refresh() {
  const current = ++generation;
  const values = settings();
  const definition = questionnaire.value.trim();
  document.getElementById('snippet-element').value = elementSnippet(values, definition);
  const config = configFile(values, definition);
  configText.value = config || 'Not needed: every setting chosen can be in the frame’s address.';
  document.getElementById('config-path').textContent = `Put it at ${new URL(`configs/${fileName()}.json`, page).href}`;
  document.getElementById('snippet-iframe').value = iframeSnippet(values, config);

  mounted?.unmount();
  mounted = undefined;
  preview.replaceChildren();
  document.getElementById(QUESTIONNAIRE_ID)?.remove();
  const host = document.createElement('div');
  host.setAttribute('data-alliance-checkin', '');
  for (const [name, value] of Object.entries(values)) host.setAttribute(`data-${name}`, value);
  // The preview keeps its test check-ins apart from real ones on this site.
  host.setAttribute('data-namespace', 'setup-preview');
  if (definition) {
    const script = document.createElement('script');
    script.type = 'application/json';
    script.id = QUESTIONNAIRE_ID;
    script.textContent = definition;
    document.body.append(script);
    host.setAttribute('data-questionnaire', `#${QUESTIONNAIRE_ID}`);
  }
  preview.append(host);
  const widget = await mountWidget(host);
  if (current === generation) mounted = widget;
  else widget.unmount();
}

let pending;
for (const source of [form, configName]) {
  source.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(refresh, 250);
  });
}

document.getElementById('download-config').addEventListener('click', () => {
  const values = settings();
  const file = new Blob([configFile(values, questionnaire.value.trim()) || '{}\n'], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(file);
  link.download = `${fileName()}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});

document.getElementById('load-example').addEventListener('click', async () => {
  const response = await fetch('instruments/example-12-item-5-point.json');
  questionnaire.value = await response.text();
  refresh();
});

for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById('copy-status');
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = 'Copied.';
    } catch {
      field.select();
      status.textContent = 'Selected: use your device’s Copy.';
    }
  });
}

refresh();
