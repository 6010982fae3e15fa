import { afterEach, describe, expect, it } from 'vitest';
import { localLoraName } from '../src/catalog/lora-file.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';
import { A1111RenderRig } from './support/render-rig.js';

/**
 * A member's unclosed `<lora:` and a catalog trigger word shaped like a tag must not change which LoRAs A1111
 * loads. AUTOMATIC1111 reads extra networks with `<(\w+):([^>]+)>` (modules/extra_networks.py), so an unclosed tag
 * in the text runs on into the bot's first tag and every adapter is dropped, while the result still credits them.
 * The whole path runs: /imagine through the real discord.js client, Render, the worker, the A1111 API fake.
 */
const A1111_EXTRA_NETWORK = /<(\w+):([^>]+)>/g;

function extraNetworks(prompt: string): { kind: string; name: string }[] {
  return [...prompt.matchAll(A1111_EXTRA_NETWORK)].map((match) => ({
    kind: match[1] ?? '',
    name: (match[2] ?? '').split(':')[0] ?? '',
  }));
}

describe('member and catalog text cannot rewrite the LoRA tags A1111 reads', { timeout: 60_000 }, () => {
  let rig: A1111RenderRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('an unclosed <lora: in the prompt and a <lora:...> trigger word leave the chosen tags intact', async () => {
    const adapters = botFixtureAdapters().map((adapter) =>
      adapter.id === 'hf:fixtures/red-fox' ? { ...adapter, triggerWords: ['<lora:other:1.5> red fox'] } : adapter,
    );
    rig = await A1111RenderRig.start(adapters, { STYLUS_INSERT_TRIGGERS: 'true' });
    const member = rig.harness.fake.member({ username: 'painter' });
    const { message } = await rig.imagine(
      member,
      'a red fox in the snow <lora:secret, watercolor painting <hypernet:x',
    );
    const post = await rig.render(member, message);

    const credited = JSON.stringify(post.body.embeds);
    const calls = rig.a1111.requestsTo('POST', '/sdapi/v1/txt2img');
    expect(calls).toHaveLength(2);
    const byFile = new Map(
      rig.adapters.map((adapter) => [localLoraName(adapter).replace(/\.safetensors$/, ''), adapter]),
    );
    let loaded = 0;
    for (const call of calls) {
      const prompt = String(call.body.prompt);
      const networks = extraNetworks(prompt);
      // Every tag A1111 reads is one of the bot's own, names a file it has, and its adapter is credited.
      for (const network of networks) {
        expect(network.kind).toBe('lora');
        const adapter = byFile.get(network.name);
        expect(adapter, `A1111 reads a tag for "${network.name}"`).toBeDefined();
        expect(credited).toContain(adapter?.id);
      }
      // Outside the bot's tags the prompt has no angle bracket left to start or end one.
      expect(prompt.replace(A1111_EXTRA_NETWORK, '')).not.toMatch(/[<>]/);
      expect(prompt).toContain('red fox');
      expect(prompt).not.toContain('other');
      loaded += networks.length;
    }
    expect(loaded).toBeGreaterThan(0);
    expect(rig.a1111.skippedLoras).toEqual([]);
  });
});
