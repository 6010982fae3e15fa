import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDiscord } from './support/fake-discord.js';
import { recordFault } from './support/fault-record.js';
import {
  failurePosts,
  imagine,
  renderButton,
  renderEverDisabled,
  startEmbeddedApp,
  until,
} from './support/fault-rig.js';

/**
 * A render that fails for good (the GPU runs out of memory) in `npm start`'s embedded mode: the member is told once,
 * with no promise of another try, and the composition's Render button works again.
 */
describe('after a failed render, Render is usable again', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-reopen-'));
  let rig: Awaited<ReturnType<typeof startEmbeddedApp>>;
  let discord: FakeDiscord;
  beforeAll(async () => {
    rig = await startEmbeddedApp(dir);
    discord = rig.discord;
    // The adapters are on the backend already (no LORA_DIR): the render reaches the GPU, which runs out of memory.
    rig.comfy.behaviour = 'oom';
  });
  afterAll(async () => {
    await rig?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the GPU runs out of memory: one failure message, then Render works again', async (context) => {
    const member = discord.member({ username: 'painter' });
    const message = await imagine(discord, member, 'a red fox in samurai armor, watercolor style');
    const renderId = String(renderButton(message)?.custom_id);
    discord.button({ member, message, customId: renderId });
    await until('the Render button to be disabled while queued', () => renderEverDisabled(discord));

    await until('the failure message', () => failurePosts(discord).length > 0);
    await until('Render to be enabled again', () => renderButton(message)?.disabled !== true);
    expect(renderButton(message)?.label).toBe('Render');
    expect(message.content).toMatch(/^Render failed: .*GPU ran out of memory/);
    expect(failurePosts(discord)).toHaveLength(1);
    expect(String(failurePosts(discord)[0]?.body.content)).not.toMatch(/tried again/);

    // And it is usable: a second click queues the composition again.
    const again = discord.button({ member, message, customId: renderId });
    const answer = await discord.waitForRequest(
      (request) => request.method === 'POST' && request.path === `/webhooks/${discord.applicationId}/${again.token}`,
      'the follow-up to the second click',
    );
    expect(String(answer.body.content)).toMatch(/^Render queued/);
    const failures = failurePosts(discord);
    recordFault(context, {
      name: 'backend fails the render (GPU out of memory, embedded)',
      load: '1 render, then a second click on Render',
      faultsSurvived: failures.filter((post) => /out of memory/.test(String(post.body.content))).length,
      membersAnswered: Math.min(1, failures.length),
      members: 1,
      jobsLost: failures.length === 0 ? 1 : 0,
      duplicated: Math.max(0, failures.length - 1),
    });
  });
});
