// The envelope form: fills itself from a scenario and applies its fields to a copy of one.
// It never validates addresses: the engine does, and its error message is shown as is.

/** Splits the recipients box on new lines, commas, semicolons and spaces. */
export function parseRecipients(text) {
  return text.split(/[\s,;]+/).filter((address) => address !== '');
}

/** Shows the scenario's envelope in the form. */
export function fillForm(fields, scenario) {
  const message = scenario.client.message;
  fields.sender.value = message.from;
  fields.recipients.value = message.to.join('\n');
}

/** A deep copy of `base` with the form's sender and recipients. */
export function scenarioFromForm(fields, base) {
  const scenario = structuredClone(base);
  scenario.client.message.from = fields.sender.value.trim();
  scenario.client.message.to = parseRecipients(fields.recipients.value);
  return scenario;
}
