import { SlashCommandBuilder } from '@discordjs/builders';
import { type ChatInputCommandInteraction, InteractionContextType, MessageFlags } from 'discord.js';
import { loadCommunityView } from '../src/community/prior.js';
import { checkAttachment, loadImage, MAX_ATTACHMENT_BYTES } from '../src/discord/attachments.js';
import { CompositionScheduler, MAX_COMPOSE_DEADLINE_MS } from '../src/discord/composition-scheduler.js';
import { compositionView } from '../src/discord/composition-view.js';
import type { BotContext, SlashCommand } from '../src/discord/context.js';
import { noBackendAnswer, queuedAnswer, requestRender } from '../src/discord/render-request.js';
import { nsfwAllowed, requireSfwPrompt } from '../src/discord/server-rules.js';
import { UserFacingError } from '../src/errors.js';
import { parseBase, planComposition, randomSeed } from '../src/stylus/pipeline.js';
import { validatePrompt } from '../src/stylus/prompt-clean.js';
import { SerialRunner } from '../src/util/serial-runner.js';

const NO_PINGS = { parse: [] };

export const definition = new SlashCommandBuilder()
  .setName('imagine')
  .setDescription('Pick LoRA adapters for a prompt automatically, review them, then render')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((option) =>
    option.setName('prompt').setDescription('What to draw').setRequired(true).setMaxLength(6000),
  )
  .addIntegerOption((option) =>
    option
      .setName('count')
      .setDescription("Images to make (1 to the server's limit, 4 by default)")
      .setMinValue(1)
      .setMaxValue(16),
  )
  .addIntegerOption((option) =>
    option.setName('seed').setDescription('Seed, for a repeatable result').setMinValue(0).setMaxValue(2_147_483_647),
  )
  .addStringOption((option) =>
    option
      .setName('base')
      .setDescription(
        'Base model family: sdxl, sd1, pony, illustrious, flux1, sd3, sd2, or other (compose and export only)',
      )
      .setMaxLength(100),
  )
  .addAttachmentOption((option) => option.setName('image').setDescription('Start from this image (PNG, JPEG, WebP)'))
  .addAttachmentOption((option) =>
    option.setName('mask').setDescription('Inpainting mask for the image (white = repaint), same size'),
  )
  .addBooleanOption((option) => option.setName('auto').setDescription('Render at once, without waiting for Render'))
  .toJSON();

/** CPU-bound stages run one at a time so acknowledgements of other interactions are never stuck behind a burst. */
const cpu = new SerialRunner();
/** Compositions run side by side under a per-guild bound and a deadline (a slow LLM delays nobody else). */
let scheduler: CompositionScheduler | undefined;

function schedulerFor(config: BotContext['services']['config']): CompositionScheduler {
  scheduler ??= new CompositionScheduler(Math.min(config.OPENAI_TIMEOUT_MS, MAX_COMPOSE_DEADLINE_MS));
  return scheduler;
}

/**
 * /imagine: cheap checks, then `deferReply` before any retrieval or composition (Discord drops an interaction not
 * acknowledged within 3 s), then the plan as an embed with controls, stored so the controls survive restarts.
 */
async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  // The catalog's background catch-up (stylus embed's vectors) waits until this reply is out: a member waits on it.
  const release = context.services.store.deferCatchUp?.();
  try {
    await answer(interaction, context);
  } finally {
    release?.();
  }
}

async function answer(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const { config } = context.services;
  const prompt = interaction.options.getString('prompt', true);
  validatePrompt(prompt, config.STYLUS_MAX_PROMPT_CHARS);
  const settings = await context.settings.effective(interaction.guildId, config);
  const base = parseBase(interaction.options.getString('base') ?? undefined, settings.defaultBase);
  const images = interaction.options.getInteger('count') ?? 1;
  if (images > settings.maxImages) {
    throw new UserFacingError(
      `This server allows at most ${settings.maxImages} images per request: ask for fewer.`,
      'too_many_images',
    );
  }
  const seed = interaction.options.getInteger('seed') ?? randomSeed();
  const auto = interaction.options.getBoolean('auto') ?? false;
  const image = interaction.options.getAttachment('image');
  const mask = interaction.options.getAttachment('mask');
  if (mask && !image)
    throw new UserFacingError('A mask needs an image to paint into: attach the image too.', 'mask_without_image');
  const sizeLimit = Math.min(MAX_ATTACHMENT_BYTES, interaction.attachmentSizeLimit || MAX_ATTACHMENT_BYTES);
  if (image) checkAttachment(image, 'image', sizeLimit);
  if (mask) checkAttachment(mask, 'mask', sizeLimit);
  const allowNsfw = nsfwAllowed(interaction, settings);
  requireSfwPrompt(prompt, allowNsfw);

  // with_response returns the id of the "thinking" message, so the stored record knows its message from the start.
  const deferred = await interaction.deferReply({ withResponse: true });
  const messageId = deferred.interaction.responseMessageId ?? undefined;

  const initImage = image ? await loadImage(image, 'image', sizeLimit) : undefined;
  const maskImage = mask ? await loadImage(mask, 'mask', sizeLimit) : undefined;
  if (initImage && maskImage && (initImage.width !== maskImage.width || initImage.height !== maskImage.height)) {
    throw new UserFacingError(
      `The mask is ${maskImage.width}×${maskImage.height} but the image is ${initImage.width}×${initImage.height}: they must be the same size.`,
      'mask_size',
    );
  }
  // The server's community priors re-rank near ties; hidden and below-the-floor adapters are left out entirely.
  const community = await loadCommunityView(context.community, interaction.guildId, config);
  const plan = await schedulerFor(config).run(interaction.guildId ?? interaction.channelId, (signal) =>
    planComposition(
      context.services,
      {
        prompt,
        base,
        images,
        seed,
        allowNsfw,
        maxAdapters: settings.maxAdapters,
        communityScores: community.scores,
        excludeIds: [...community.excludeIds],
      },
      { signal, exclusive: (work) => cpu.run(work) },
    ),
  );
  const communityScores = Object.fromEntries(
    Object.keys(plan.adapters).flatMap((id) => {
      const score = community.scores.get(id);
      return score === undefined ? [] : [[id, Math.round(score * 100) / 100]];
    }),
  );
  if (plan.candidateIds.length === 0) {
    throw new UserFacingError(
      `No adapters in the catalog match this prompt for ${base}. Try other words or another base model.`,
      'no_adapters',
    );
  }
  const record = await context.compositions.create({
    ownerId: interaction.user.id,
    ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
    channelId: interaction.channelId,
    prompt: plan.prompt,
    base,
    images,
    seed,
    auto,
    ageRestricted: allowNsfw,
    maxAdapters: settings.maxAdapters,
    ...(initImage ? { initImageUrl: initImage.url } : {}),
    ...(maskImage ? { maskUrl: maskImage.url } : {}),
    tasks: plan.tasks,
    alternatives: plan.alternatives,
    weights: {},
    communityScores,
    composer: plan.composer,
    ...(plan.fallbackReason ? { fallbackReason: plan.fallbackReason.slice(0, 200) } : {}),
    composeMs: plan.timingsMs.total,
    status: 'shown',
    ...(messageId ? { messageId } : {}),
  });
  const adapters = new Map(Object.entries(plan.adapters));
  const message = await interaction.editReply({ ...compositionView(record, adapters), allowedMentions: NO_PINGS });
  const stored =
    record.messageId === message.id
      ? record
      : ((await context.compositions.update(record.id, (current) => ({ ...current, messageId: message.id }))) ??
        record);

  if (auto) {
    const outcome = await requestRender(stored, adapters, interaction.user.id, context);
    if (outcome.kind === 'no_backend') {
      await interaction.followUp(noBackendAnswer(stored));
    } else {
      await interaction.editReply({ ...compositionView(outcome.record, adapters), allowedMentions: NO_PINGS });
      await interaction.followUp({
        ...queuedAnswer(outcome.position, outcome.duplicate),
        flags: MessageFlags.Ephemeral,
      });
    }
  }
}

export const imagine: SlashCommand = { definition, execute };
