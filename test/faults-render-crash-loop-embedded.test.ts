import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';
import { recordFault } from './support/fault-record.js';
import {
  embeddedEnv,
  failurePosts,
  imagine,
  renderButton,
  seedEmbeddedData,
  spawnStylus,
  until,
} from './support/fault-rig.js';

/**
 * A render that kills its process every time (the bot is SIGKILLed mid-render, three times, and restarted each time):
 * each death counts as a try, the status never reads "try 4 of 3", and after the last try the member is told and the
 * Render button works again, instead of the job looping forever.
 */
describe('embedded mode: a render whose process keeps dying', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-crash-loop-'));
  let discord: FakeDiscord;
  let comfy: FakeComfyUI;
  let bot: ReturnType<typeof spawnStylus> | undefined;
  afterAll(async () => {
    bot?.child.kill('SIGKILL');
    await comfy?.close();
    await discord?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails after its last try with a message, and Render is usable again', async (context) => {
    comfy = await FakeComfyUI.start({ loraDir: (await seedEmbeddedData(dir)).backendLoraDir });
    comfy.behaviour = 'hang';
    discord = await FakeDiscord.start();
    const env = embeddedEnv(dir, discord, comfy);

    bot = spawnStylus(['bot'], env, 'ignore');
    await discord.waitForIdentify(1, 30_000);
    const member = discord.member({ username: 'painter' });
    const message = await imagine(discord, member, 'a red fox in samurai armor, watercolor style');
    discord.button({ member, message, customId: String(renderButton(message)?.custom_id) });

    let kills = 0;
    for (let death = 1; death <= 3; death++) {
      await until(`render try ${death} to reach the GPU`, () => comfy.prompts.size === death, 30_000);
      bot.child.kill('SIGKILL');
      await bot.exited;
      if (bot.child.signalCode === 'SIGKILL') kills++;
      bot = spawnStylus(['bot'], env, 'ignore');
      await discord.waitForIdentify(death + 1, 30_000);
    }

    await until('the failure message', () => failurePosts(discord).length > 0);
    expect(String(failurePosts(discord)[0]?.body.content)).toContain('The render stopped before it finished 3 times');
    await until('Render to be enabled again', () => renderButton(message)?.disabled !== true);
    expect(message.content).toMatch(/^Render failed: The render stopped before it finished 3 times/);
    // No fourth try, and no status ever counted past the tries there are.
    expect(comfy.prompts.size).toBe(3);
    const statuses = discord
      .requests()
      .filter((request) => request.method === 'PATCH' && request.path.endsWith(`/messages/${message.id}`))
      .map((request) => String(request.body.content ?? ''));
    for (const status of statuses) {
      const [, tried, of] = status.match(/try (\d+) of (\d+)/) ?? [];
      if (tried) expect(Number(tried)).toBeLessThanOrEqual(Number(of));
    }
    expect(failurePosts(discord)).toHaveLength(1);
    recordFault(context, {
      name: 'worker SIGKILL mid-render (embedded)',
      load: '1 render whose process dies on every try',
      faultsSurvived: kills,
      membersAnswered: Math.min(1, failurePosts(discord).length),
      members: 1,
      jobsLost: failurePosts(discord).length === 0 ? 1 : 0,
      // A fourth try or a second message is work done twice.
      duplicated: Math.max(0, comfy.prompts.size - kills) + Math.max(0, failurePosts(discord).length - 1),
    });
  });
});
