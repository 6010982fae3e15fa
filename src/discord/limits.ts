/**
 * Discord's documented limits for messages, embeds, components and modals, checked on the JSON the bot sends.
 * Tests run every payload the bot sends through it; Discord answers a violation with a 400 and the member sees
 * "This interaction failed".
 */
export const LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  selectOptions: 25,
  selectPlaceholder: 150,
  optionLabel: 100,
  optionValue: 100,
  optionDescription: 100,
  buttonLabel: 80,
  modalTitle: 45,
  modalRows: 5,
  textInputLabel: 45,
  textInputValue: 4000,
} as const;

type Json = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

function embedViolations(embed: Json, where: string): { problems: string[]; total: number } {
  const problems: string[] = [];
  const check = (value: string, max: number, name: string) => {
    if (value.length > max) problems.push(`${where}.${name} is ${value.length} characters (max ${max})`);
  };
  const title = text(embed.title);
  const description = text(embed.description);
  const footer = text((embed.footer as Json | undefined)?.text);
  const author = text((embed.author as Json | undefined)?.name);
  check(title, LIMITS.embedTitle, 'title');
  check(description, LIMITS.embedDescription, 'description');
  check(footer, LIMITS.footerText, 'footer');
  check(author, LIMITS.authorName, 'author');
  const fields = list(embed.fields);
  if (fields.length > LIMITS.embedFields)
    problems.push(`${where} has ${fields.length} fields (max ${LIMITS.embedFields})`);
  let total = title.length + description.length + footer.length + author.length;
  fields.forEach((field, index) => {
    const name = text(field.name);
    const value = text(field.value);
    if (name.trim() === '' || value.trim() === '')
      problems.push(`${where}.fields[${index}] has an empty name or value`);
    check(name, LIMITS.fieldName, `fields[${index}].name`);
    check(value, LIMITS.fieldValue, `fields[${index}].value`);
    total += name.length + value.length;
  });
  return { problems, total };
}

function componentViolations(rows: Json[], seenIds: Set<string>): string[] {
  const problems: string[] = [];
  if (rows.length > LIMITS.actionRows) problems.push(`${rows.length} action rows (max ${LIMITS.actionRows})`);
  rows.forEach((row, rowIndex) => {
    const children = list(row.components);
    const where = `row ${rowIndex}`;
    const selects = children.filter((child) => child.type !== 2);
    if (selects.length > 0 && children.length > 1) problems.push(`${where} mixes a select with other components`);
    if (children.length > LIMITS.buttonsPerRow) problems.push(`${where} has ${children.length} components (max 5)`);
    for (const child of children) {
      const customId = text(child.custom_id);
      if (child.custom_id !== undefined) {
        if (customId.length === 0 || customId.length > LIMITS.customId)
          problems.push(`${where}: custom_id of ${customId.length} characters (1 to ${LIMITS.customId})`);
        if (seenIds.has(customId)) problems.push(`${where}: duplicate custom_id ${customId}`);
        seenIds.add(customId);
      }
      if (child.type === 2 && text(child.label).length > LIMITS.buttonLabel)
        problems.push(`${where}: button label too long`);
      if (child.type === 3) problems.push(...selectViolations(child, where));
      if (child.type === 4) problems.push(...textInputViolations(child, where));
    }
  });
  return problems;
}

function selectViolations(select: Json, where: string): string[] {
  const problems: string[] = [];
  const options = list(select.options);
  if (options.length < 1 || options.length > LIMITS.selectOptions)
    problems.push(`${where}: select has ${options.length} options (1 to ${LIMITS.selectOptions})`);
  if (text(select.placeholder).length > LIMITS.selectPlaceholder) problems.push(`${where}: placeholder too long`);
  const min = Number(select.min_values ?? 1);
  const max = Number(select.max_values ?? 1);
  if (min < 0 || max < 1 || min > max || max > options.length)
    problems.push(`${where}: bad min/max values ${min}/${max}`);
  const values = new Set<string>();
  for (const option of options) {
    const label = text(option.label);
    const value = text(option.value);
    if (label.length < 1 || label.length > LIMITS.optionLabel)
      problems.push(`${where}: option label "${label}" length`);
    if (value.length < 1 || value.length > LIMITS.optionValue)
      problems.push(`${where}: option value "${value}" length`);
    if (text(option.description).length > LIMITS.optionDescription)
      problems.push(`${where}: option description too long`);
    if (values.has(value)) problems.push(`${where}: duplicate option value ${value}`);
    values.add(value);
  }
  return problems;
}

function textInputViolations(input: Json, where: string): string[] {
  const problems: string[] = [];
  if (text(input.label).length > LIMITS.textInputLabel) problems.push(`${where}: text input label too long`);
  if (text(input.value).length > LIMITS.textInputValue) problems.push(`${where}: text input value too long`);
  return problems;
}

/** Everything in a message payload (content, embeds, components) that Discord would refuse: empty when valid. */
export function messageLimitViolations(payload: {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
}): string[] {
  const problems: string[] = [];
  const content = text(payload.content);
  if (content.length > LIMITS.content) problems.push(`content is ${content.length} characters (max ${LIMITS.content})`);
  const embeds = list(payload.embeds);
  if (embeds.length > LIMITS.embedsPerMessage)
    problems.push(`${embeds.length} embeds (max ${LIMITS.embedsPerMessage})`);
  let total = 0;
  embeds.forEach((embed, index) => {
    const result = embedViolations(embed, `embeds[${index}]`);
    problems.push(...result.problems);
    total += result.total;
  });
  if (total > LIMITS.embedTotal) problems.push(`embeds total ${total} characters (max ${LIMITS.embedTotal})`);
  problems.push(...componentViolations(list(payload.components), new Set()));
  return problems;
}

/** The same for a modal: title, custom_id, at most five rows of one text input each. */
export function modalLimitViolations(modal: { title?: unknown; custom_id?: unknown; components?: unknown }): string[] {
  const problems: string[] = [];
  if (text(modal.title).length < 1 || text(modal.title).length > LIMITS.modalTitle) problems.push('modal title length');
  const customId = text(modal.custom_id);
  if (customId.length < 1 || customId.length > LIMITS.customId) problems.push('modal custom_id length');
  const rows = list(modal.components);
  if (rows.length < 1 || rows.length > LIMITS.modalRows) problems.push(`modal has ${rows.length} rows (1 to 5)`);
  problems.push(...componentViolations(rows, new Set()));
  return problems;
}
