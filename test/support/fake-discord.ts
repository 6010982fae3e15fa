import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  channelPayload,
  type FakeAttachment,
  type FakeGuild,
  type FakeMember,
  type FakeMessage,
  type FakeUser,
  guildCreatePayload,
  interactionToken,
  MEMBER_PERMISSIONS,
  memberPayload,
  snowflake,
  userPayload,
} from './fake-discord-payloads.js';

/**
 * A loopback Discord: enough of REST API v10 and the gateway (JSON encoding, no compression) for the real
 * discord.js Client to log in, receive dispatches and answer interactions through callbacks and webhooks.
 * Every REST request and every dispatch is logged with one sequence number so tests can assert on order.
 */

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  kind: 'rest';
  seq: number;
  /** performance.now() when the whole request had arrived (benchmarks measure acknowledgement latency with it). */
  at: number;
  method: string;
  /** The path as sent (still URL-encoded, e.g. `%40original`), without the `/api/v10` prefix. */
  rawPath: string;
  /** The decoded path, without the `/api/v10` prefix. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  /** The JSON body, or the parsed `payload_json` of a multipart upload. */
  body: Record<string, unknown>;
  files: UploadedFile[];
  status: number;
}

export interface RecordedDispatch {
  kind: 'dispatch';
  seq: number;
  /** performance.now() when the dispatch was sent. */
  at: number;
  event: string;
  data: Record<string, unknown>;
}

export type LogEntry = RecordedRequest | RecordedDispatch;

/**
 * A rate limit the fake applies, shaped like Discord's (docs: topics/rate-limits): HTTP 429 with Retry-After,
 * X-RateLimit-Limit / Remaining (0) / Reset / Reset-After / Bucket / Scope, X-RateLimit-Global on a global limit, and a
 * JSON body `{ message, retry_after, global }`. It answers every matching request until it is removed.
 */
export interface RateLimitRule {
  match: (request: RecordedRequest) => boolean;
  /** Seconds, as in `retry_after` (the Retry-After header is rounded up, as Discord sends it). */
  retryAfter: number;
  /** The bot's global limit rather than a route's. */
  global?: boolean;
  /** The X-RateLimit-Bucket hash (routes that share a limit share one). */
  bucket?: string;
}

interface PendingInteraction {
  id: string;
  token: string;
  type: number;
  user: FakeUser;
  guildId: string;
  channelId: string;
  acknowledged: boolean;
  /** The message the interaction's response created (its `@original`). */
  originalId?: string;
  /** For component interactions: the message the component is on. */
  sourceMessageId?: string;
}

export interface InteractionOptions {
  member: FakeMember;
  channelId?: string;
}

const API_PREFIX = '/api/v10';

export class FakeDiscord {
  readonly log: LogEntry[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly identifies: Record<string, unknown>[] = [];
  readonly applicationId = snowflake();
  readonly botUser: FakeUser = { id: this.applicationId, username: 'stylus', bot: true };
  readonly guild: FakeGuild;
  readonly token = 'fake-bot-token.for.tests';
  private readonly interactions = new Map<string, PendingInteraction>();
  private readonly attachmentBodies = new Map<string, { data: Buffer; contentType: string }>();
  private readonly sockets = new Set<{ socket: WebSocket; seq: number; identified: boolean }>();
  private readonly events = new EventEmitter();
  private readonly rateLimits = new Set<RateLimitRule>();
  private readonly nonces = new Map<string, string>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly origin: string,
  ) {
    const guildId = snowflake();
    this.guild = {
      id: guildId,
      name: 'Test server',
      ownerId: snowflake(),
      channels: [
        { id: snowflake(), name: 'general' },
        { id: snowflake(), name: 'after-dark', nsfw: true },
      ],
    };
    this.events.setMaxListeners(100);
  }

  /** The REST base to give discord.js (`rest.api`): it appends `/v10` itself. */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  get channelId(): string {
    return this.guild.channels[0]?.id ?? '';
  }

  static async start(): Promise<FakeDiscord> {
    let fake: FakeDiscord | undefined;
    const server = createServer((req, res) => {
      void fake?.handleHttp(req, res);
    });
    const wss = new WebSocketServer({ server, path: '/gateway' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeDiscord(server, wss, `http://127.0.0.1:${port}`);
    wss.on('connection', (socket, request) => fake?.onGatewayConnection(socket, request));
    return fake;
  }

  async close(): Promise<void> {
    for (const { socket } of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  member(options: { username?: string; permissions?: bigint } = {}): FakeMember {
    return {
      user: { id: snowflake(), username: options.username ?? 'member' },
      permissions: options.permissions ?? MEMBER_PERMISSIONS,
    };
  }

  /** Serves bytes at a CDN-like loopback URL and returns the attachment object for `resolved.attachments`. */
  attachment(data: Buffer, filename: string, contentType: string | undefined, size = data.length): FakeAttachment {
    const id = snowflake();
    const url = `${this.origin}/attachments/${this.channelId}/${id}/${encodeURIComponent(filename)}`;
    this.attachmentBodies.set(id, { data, contentType: contentType ?? 'application/octet-stream' });
    return { id, filename, size, url, proxy_url: url, ...(contentType ? { content_type: contentType } : {}) };
  }

  requests(): RecordedRequest[] {
    return this.log.filter((entry): entry is RecordedRequest => entry.kind === 'rest');
  }

  /** REST requests made in answer to one interaction (callbacks and webhook calls with its token). */
  requestsFor(interaction: { id: string; token: string }): RecordedRequest[] {
    return this.requests().filter(
      (request) =>
        request.path.includes(`/interactions/${interaction.id}/`) || request.path.includes(interaction.token),
    );
  }

  /** Resolves with the first logged request (past or future) that matches. */
  async waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    what = 'a matching request',
    timeoutMs = 10_000,
  ): Promise<RecordedRequest> {
    const found = this.requests().find(predicate);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const onRequest = (request: RecordedRequest) => {
        if (!predicate(request)) return;
        clearTimeout(timer);
        this.events.off('request', onRequest);
        resolve(request);
      };
      const timer = setTimeout(() => {
        this.events.off('request', onRequest);
        const seen = this.requests()
          .slice(-8)
          .map((request) => `${request.method} ${request.path}`);
        reject(new Error(`fake Discord: timed out waiting for ${what}; last requests: ${seen.join(', ')}`));
      }, timeoutMs);
      this.events.on('request', onRequest);
    });
  }

  /** Resolves when a client has identified and received its guilds. */
  async waitForIdentify(count = 1, timeoutMs = 10_000): Promise<void> {
    if (this.identifies.length >= count) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake Discord: no IDENTIFY')), timeoutMs);
      const check = () => {
        if (this.identifies.length < count) return;
        clearTimeout(timer);
        this.events.off('identify', check);
        resolve();
      };
      this.events.on('identify', check);
    });
  }

  /** Answers matching requests with 429 until the returned function is called. */
  rateLimit(rule: RateLimitRule): () => void {
    this.rateLimits.add(rule);
    return () => this.rateLimits.delete(rule);
  }

  /** A message the bot posted earlier (its status message, say), as `POST /channels/{id}/messages` would make it. */
  seedMessage(content: string, channelId = this.channelId): FakeMessage {
    const request: RecordedRequest = {
      kind: 'rest',
      seq: 0,
      at: performance.now(),
      method: 'POST',
      rawPath: `/channels/${channelId}/messages`,
      path: `/channels/${channelId}/messages`,
      query: new URLSearchParams(),
      authorization: `Bot ${this.token}`,
      body: { content },
      files: [],
      status: 200,
    };
    return this.createMessage(channelId, request, undefined);
  }

  // ---- interactions -------------------------------------------------------------------------------------------

  slashCommand(
    options: InteractionOptions & {
      name: string;
      options?: unknown[];
      attachments?: FakeAttachment[];
    },
  ): { id: string; token: string } {
    const resolved = options.attachments?.length
      ? { attachments: Object.fromEntries(options.attachments.map((attachment) => [attachment.id, attachment])) }
      : undefined;
    return this.interact(2, options, {
      id: snowflake(),
      name: options.name,
      type: 1,
      options: options.options ?? [],
      ...(resolved ? { resolved } : {}),
    });
  }

  autocomplete(options: InteractionOptions & { name: string; options: unknown[] }): { id: string; token: string } {
    return this.interact(4, options, { id: snowflake(), name: options.name, type: 1, options: options.options });
  }

  button(options: InteractionOptions & { message: FakeMessage; customId: string }): { id: string; token: string } {
    return this.interact(3, options, { custom_id: options.customId, component_type: 2 }, options.message);
  }

  select(options: InteractionOptions & { message: FakeMessage; customId: string; values: string[] }): {
    id: string;
    token: string;
  } {
    return this.interact(
      3,
      options,
      { custom_id: options.customId, component_type: 3, values: options.values },
      options.message,
    );
  }

  modalSubmit(
    options: InteractionOptions & { message?: FakeMessage; customId: string; fields: Record<string, string> },
  ): { id: string; token: string } {
    const components = Object.entries(options.fields).map(([customId, value]) => ({
      type: 1,
      components: [{ type: 4, custom_id: customId, value }],
    }));
    return this.interact(5, options, { custom_id: options.customId, components }, options.message);
  }

  /** The message created by an interaction's response (its `@original`), once there is one. */
  originalMessage(interaction: { id: string }): FakeMessage | undefined {
    const pending = this.interactions.get(interaction.id);
    return pending?.originalId ? this.messages.get(pending.originalId) : undefined;
  }

  private interact(
    type: number,
    options: InteractionOptions,
    data: Record<string, unknown>,
    message?: FakeMessage,
  ): { id: string; token: string } {
    const id = snowflake();
    const token = interactionToken();
    const channelId = options.channelId ?? message?.channel_id ?? this.channelId;
    const channel = this.guild.channels.find((candidate) => candidate.id === channelId);
    if (!channel) throw new Error(`fake Discord: unknown channel ${channelId}`);
    this.interactions.set(id, {
      id,
      token,
      type,
      user: options.member.user,
      guildId: this.guild.id,
      channelId,
      acknowledged: false,
      ...(message ? { sourceMessageId: message.id } : {}),
    });
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type,
      data,
      guild_id: this.guild.id,
      guild: { id: this.guild.id, locale: 'en-US', features: [] },
      channel: channelPayload(this.guild.id, channel),
      channel_id: channelId,
      member: memberPayload(options.member),
      token,
      version: 1,
      app_permissions: (MEMBER_PERMISSIONS | (1n << 14n) | (1n << 15n)).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guild.id },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
      ...(message ? { message } : {}),
    });
    return { id, token };
  }

  reactionAdd(options: { member: FakeMember; messageId: string; channelId?: string; emoji: string }): void {
    this.dispatch('MESSAGE_REACTION_ADD', this.reactionPayload(options, true));
  }

  reactionRemove(options: { member: FakeMember; messageId: string; channelId?: string; emoji: string }): void {
    this.dispatch('MESSAGE_REACTION_REMOVE', this.reactionPayload(options, false));
  }

  private reactionPayload(
    options: { member: FakeMember; messageId: string; channelId?: string; emoji: string },
    withMember: boolean,
  ) {
    return {
      user_id: options.member.user.id,
      channel_id: options.channelId ?? this.channelId,
      message_id: options.messageId,
      guild_id: this.guild.id,
      emoji: { id: null, name: options.emoji },
      burst: false,
      type: 0,
      ...(withMember ? { member: memberPayload(options.member), message_author_id: this.botUser.id } : {}),
    };
  }

  /** Sends a dispatch to every identified gateway connection. */
  dispatch(event: string, data: Record<string, unknown>): void {
    this.log.push({ kind: 'dispatch', seq: ++this.seq, at: performance.now(), event, data });
    for (const connection of this.sockets) {
      if (!connection.identified) continue;
      connection.socket.send(JSON.stringify({ op: 0, t: event, s: ++connection.seq, d: data }));
    }
  }

  // ---- gateway ------------------------------------------------------------------------------------------------

  private onGatewayConnection(socket: WebSocket, request: IncomingMessage): void {
    const params = new URL(request.url ?? '/', this.origin).searchParams;
    if (params.get('encoding') !== 'json' || params.has('compress')) {
      // This fake speaks plain JSON only; anything else is a configuration mistake worth failing loudly on.
      socket.close(4002, 'fake Discord supports encoding=json without compression only');
      return;
    }
    const connection = { socket, seq: 0, identified: false };
    this.sockets.add(connection);
    socket.on('close', () => this.sockets.delete(connection));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
      if (payload.op === 1) socket.send(JSON.stringify({ op: 11 }));
      else if (payload.op === 2) this.onIdentify(connection, payload.d ?? {});
      else if (payload.op === 6) socket.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++connection.seq, d: {} }));
    });
  }

  private onIdentify(
    connection: { socket: WebSocket; seq: number; identified: boolean },
    identify: Record<string, unknown>,
  ) {
    if (identify.token !== this.token) {
      connection.socket.close(4004, 'Authentication failed.');
      return;
    }
    connection.identified = true;
    this.identifies.push(identify);
    const send = (event: string, data: unknown) =>
      connection.socket.send(JSON.stringify({ op: 0, t: event, s: ++connection.seq, d: data }));
    send('READY', {
      v: 10,
      user: { ...userPayload(this.botUser), verified: true, mfa_enabled: false, flags: 0 },
      guilds: [{ id: this.guild.id, unavailable: true }],
      session_id: `session-${snowflake()}`,
      resume_gateway_url: `${this.origin.replace('http', 'ws')}/gateway`,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    send('GUILD_CREATE', guildCreatePayload(this.guild));
    this.events.emit('identify');
  }

  // ---- REST ---------------------------------------------------------------------------------------------------

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (req.method === 'GET' && url.pathname.startsWith('/attachments/')) return this.serveAttachment(url, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const rawPath = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const request: RecordedRequest = {
      kind: 'rest',
      seq: ++this.seq,
      at: performance.now(),
      method: req.method ?? 'GET',
      rawPath,
      path: decodeURIComponent(rawPath),
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: {},
      files: [],
      status: 0,
    };
    try {
      await parseBody(request, raw, req.headers['content-type']);
    } catch (error) {
      request.status = 400;
      this.record(request);
      return reply(res, 400, { message: `bad body: ${String(error)}`, code: 50109 });
    }
    const limited = [...this.rateLimits].find((rule) => rule.match(request));
    if (limited) {
      request.status = 429;
      this.record(request);
      return replyRateLimited(res, limited);
    }
    const [status, body] = this.route(request);
    request.status = status;
    this.record(request);
    reply(res, status, body);
  }

  private record(request: RecordedRequest): void {
    this.log.push(request);
    this.events.emit('request', request);
  }

  private serveAttachment(url: URL, res: ServerResponse): void {
    const id = url.pathname.split('/')[3] ?? '';
    const body = this.attachmentBodies.get(id);
    if (!body) {
      reply(res, 404, { message: 'Not found' });
      return;
    }
    res.writeHead(200, { 'content-type': body.contentType, 'content-length': body.data.length });
    res.end(body.data);
  }

  private route(request: RecordedRequest): [number, unknown] {
    const { method, path } = request;
    const botAuth = request.authorization === `Bot ${this.token}`;
    const callback = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
    const webhook = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/);
    const commands = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
    const channelMessages = path.match(/^\/channels\/(\d+)\/messages(?:\/(\d+))?$/);

    if (method === 'GET' && path === '/gateway/bot') {
      if (!botAuth) return [401, { message: '401: Unauthorized', code: 0 }];
      return [
        200,
        {
          url: `${this.origin.replace('http', 'ws')}/gateway`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        },
      ];
    }
    if (method === 'GET' && path === '/applications/@me') {
      if (!botAuth) return [401, { message: '401: Unauthorized', code: 0 }];
      return [200, { id: this.applicationId, name: 'stylus', flags: 0, bot_public: true, description: '' }];
    }
    if (callback && method === 'POST') {
      return this.interactionCallback(callback[1] ?? '', callback[2] ?? '', request);
    }
    if (webhook) {
      return this.webhook(webhook[1] ?? '', webhook[2] ?? '', webhook[3], request);
    }
    if (commands && method === 'PUT') {
      if (!botAuth) return [401, { message: '401: Unauthorized', code: 0 }];
      const definitions = Array.isArray(request.body) ? (request.body as Record<string, unknown>[]) : [];
      return [
        200,
        definitions.map((command) => ({
          ...command,
          id: snowflake(),
          application_id: commands[1],
          ...(commands[2] ? { guild_id: commands[2] } : {}),
          version: snowflake(),
        })),
      ];
    }
    if (channelMessages) {
      if (!botAuth) return [401, { message: '401: Unauthorized', code: 0 }];
      const [, channelId = '', messageId] = channelMessages;
      if (method === 'GET' && messageId) {
        const message = this.messages.get(messageId);
        return message ? [200, message] : [404, { message: 'Unknown Message', code: 10008 }];
      }
      if (method === 'POST' && !messageId) {
        // enforce_nonce: a second message with the same nonce returns the first one instead of posting again.
        const nonce = request.body.enforce_nonce === true ? String(request.body.nonce ?? '') : '';
        const earlier = nonce ? this.messages.get(this.nonces.get(nonce) ?? '') : undefined;
        if (earlier) return [200, earlier];
        const created = this.createMessage(channelId, request, undefined);
        if (nonce) this.nonces.set(nonce, created.id);
        return [200, created];
      }
      // Edit Message: the bot edits its own messages (status lines, controls) with the bot token.
      if (method === 'PATCH' && messageId) {
        const message = this.messages.get(messageId);
        if (!message || message.channel_id !== channelId) return [404, { message: 'Unknown Message', code: 10008 }];
        if (message.author.id !== this.botUser.id)
          return [403, { message: 'Cannot edit a message authored by another user', code: 50005 }];
        return [200, this.editMessage(messageId, request)];
      }
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }

  private interactionCallback(id: string, token: string, request: RecordedRequest): [number, unknown] {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) return [404, { message: 'Unknown interaction', code: 10062 }];
    if (interaction.acknowledged) return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
    interaction.acknowledged = true;
    const type = Number(request.body.type);
    const data = (request.body.data ?? {}) as Record<string, unknown>;
    let message: FakeMessage | undefined;
    if (type === 4 || type === 5) {
      const flags = Number(data.flags ?? 0) | (type === 5 ? 128 : 0);
      message = this.createMessage(interaction.channelId, { ...request, body: { ...data, flags } }, interaction);
      interaction.originalId = message.id;
    } else if (type === 7 && interaction.sourceMessageId) {
      message = this.editMessage(interaction.sourceMessageId, { ...request, body: data });
      interaction.originalId = interaction.sourceMessageId;
    } else if (type === 6 && interaction.sourceMessageId) {
      interaction.originalId = interaction.sourceMessageId;
    }
    if (request.query.get('with_response') !== 'true') return [204, undefined];
    return [
      200,
      {
        interaction: {
          id,
          type: interaction.type,
          response_message_id: message?.id,
          response_message_loading: type === 5,
          response_message_ephemeral: Boolean((message?.flags ?? 0) & 64),
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    ];
  }

  private webhook(
    applicationId: string,
    token: string,
    messageId: string | undefined,
    request: RecordedRequest,
  ): [number, unknown] {
    const interaction = [...this.interactions.values()].find((candidate) => candidate.token === token);
    if (applicationId !== this.applicationId || !interaction?.acknowledged)
      return [404, { message: 'Unknown Webhook', code: 10015 }];
    if (messageId === undefined) {
      if (request.method !== 'POST') return [405, { message: '405: Method Not Allowed', code: 0 }];
      return [200, this.createMessage(interaction.channelId, request, interaction)];
    }
    const id = messageId === '@original' ? interaction.originalId : messageId;
    const message = id ? this.messages.get(id) : undefined;
    if (!message || !id) return [404, { message: 'Unknown Message', code: 10008 }];
    if (request.method === 'GET') return [200, message];
    if (request.method === 'DELETE') {
      this.messages.delete(id);
      return [204, undefined];
    }
    if (request.method === 'PATCH') return [200, this.editMessage(id, request)];
    return [405, { message: '405: Method Not Allowed', code: 0 }];
  }

  private createMessage(
    channelId: string,
    request: RecordedRequest,
    interaction: PendingInteraction | undefined,
  ): FakeMessage {
    const body = request.body;
    const message: FakeMessage = {
      id: snowflake(),
      type: interaction ? 20 : 0,
      channel_id: channelId,
      guild_id: this.guild.id,
      author: userPayload(this.botUser),
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? body.embeds : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: this.storeUploads(request),
      flags: Number(body.flags ?? 0),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      ...(body.allowed_mentions ? { allowed_mentions: body.allowed_mentions } : {}),
      ...(interaction
        ? {
            webhook_id: this.applicationId,
            application_id: this.applicationId,
            interaction_metadata: {
              id: interaction.id,
              type: interaction.type,
              user: userPayload(interaction.user),
              authorizing_integration_owners: { '0': interaction.guildId },
            },
          }
        : {}),
    };
    this.messages.set(message.id, message);
    return message;
  }

  private editMessage(id: string, request: RecordedRequest): FakeMessage | undefined {
    const message = this.messages.get(id);
    if (!message) return undefined;
    const body = request.body;
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.embeds)) message.embeds = body.embeds;
    if (Array.isArray(body.components)) message.components = body.components;
    if (body.allowed_mentions) message.allowed_mentions = body.allowed_mentions;
    if (request.files.length > 0 || Array.isArray(body.attachments)) message.attachments = this.storeUploads(request);
    message.flags &= ~128;
    message.edited_timestamp = new Date().toISOString();
    return message;
  }

  private storeUploads(request: RecordedRequest): FakeAttachment[] {
    return request.files.map((file) => this.attachment(file.data, file.filename, file.contentType));
  }
}

async function parseBody(request: RecordedRequest, raw: Buffer, contentType: string | undefined): Promise<void> {
  if (raw.length === 0) return;
  if (contentType?.startsWith('multipart/form-data')) {
    // Node's fetch Response parses multipart bodies: payload_json plus files[n], as discord.js sends them.
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    for (const [field, value] of form.entries()) {
      if (field === 'payload_json' && typeof value === 'string') {
        request.body = JSON.parse(value) as Record<string, unknown>;
      } else if (typeof value !== 'string') {
        request.files.push({
          field,
          filename: value.name,
          contentType: value.type,
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return;
  }
  request.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
}

function replyRateLimited(res: ServerResponse, rule: RateLimitRule): void {
  const text = JSON.stringify({
    message: 'You are being rate limited.',
    retry_after: rule.retryAfter,
    global: !!rule.global,
  });
  res.writeHead(429, {
    'content-type': 'application/json',
    'retry-after': String(Math.ceil(rule.retryAfter)),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String((Date.now() / 1000 + rule.retryAfter).toFixed(3)),
    'x-ratelimit-reset-after': rule.retryAfter.toFixed(3),
    'x-ratelimit-bucket': rule.bucket ?? 'fake-bucket',
    'x-ratelimit-scope': rule.global ? 'global' : 'user',
    ...(rule.global ? { 'x-ratelimit-global': 'true' } : {}),
  });
  res.end(text);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}
