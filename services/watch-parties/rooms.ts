// The rooms of one instance: the sockets on it that entered each party, one hub subscription per party
// (Redis pub/sub when configured), delivery in seq order (an event that overtook an earlier one waits for
// it, GAP_WAIT_MS at most, since two instances publish after their own commits), the state
// a socket gets first on entering, presence (a member's last socket leaving), and the sweep that ends the
// parties whose host is gone. Plugged into the WebSocket gateway for the `party.` messages.
import type { Logger } from '../deps.ts';
import { AppError } from '../errors.ts';
import { compileStrict } from '../validation.ts';
import type { Hub } from '../realtime/hub.ts';
import type { GatewayExtension, SocketHandle } from '../realtime/gateway.ts';
import { partyClientMessages, type PartyClientMessage } from '../../schemas/watch-parties.ts';
import { type PartyDeps, partyChannel } from './context.ts';
import { announceDisconnect, announceJoin, endAbandoned, runCommand } from './commands.ts';
import { memberParty, partyState } from './parties.ts';

// One validator per type, so a refusal names what is wrong with that message rather than with a union.
const validators = new Map(Object.entries(partyClientMessages).map(([type, schema]) => [type, compileStrict(schema)]));

function invalidReason(msg: { type: string }): string | null {
  const validate = validators.get(msg.type);
  if (!validate) return `Unknown message type ${msg.type.slice(0, 40)}`;
  if (validate(msg)) return null;
  const first = validate.errors?.[0];
  return `${first?.instancePath || 'message'} ${first?.message ?? 'is invalid'}`;
}

/** Party messages of one socket waiting to run; a client sending more is refused, not queued without end. */
const MAX_QUEUED = 32;

interface Seat {
  /** Events that arrive while the socket's state is being read; sent after it, newer than it only. */
  held: string[] | null;
}

interface Room {
  seats: Map<SocketHandle, Seat>;
  subscribed: Promise<() => Promise<void>>;
  /** The seq this room delivers next; null until its first event. */
  next: number | null;
  /** Events that arrived ahead of a missing seq, by seq. */
  early: Map<number, { raw: string; msg: Event }>;
  gapTimer?: NodeJS.Timeout;
}

interface Event {
  type: string;
  seq: number;
  user_id?: string;
  reason?: string;
}

/** How long an event waits for a missing earlier one (a publisher that died after its commit) before it goes. */
const GAP_WAIT_MS = 1000;

export interface RoomsOptions {
  deps(): PartyDeps;
  hub: Pick<Hub, 'subscribe'>;
  log: Logger;
}

export function createRooms(options: RoomsOptions) {
  const { hub, log } = options;
  const rooms = new Map<string, Room>();
  const pending = new Set<Promise<unknown>>();

  const track = (p: Promise<unknown>) => {
    const tracked = p
      .catch((err) => log.warn({ err }, 'watch party update failed'))
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  function error(socket: SocketHandle, partyId: unknown, requestType: unknown, code: string, message: string) {
    socket.send(
      JSON.stringify({
        type: 'party.error',
        party_id: typeof partyId === 'string' ? partyId : null,
        request_type: typeof requestType === 'string' ? requestType : null,
        code,
        message,
      }),
    );
  }

  function receive(partyId: string, raw: string) {
    const room = rooms.get(partyId);
    if (!room) return;
    const msg = JSON.parse(raw) as Event;
    if (room.next !== null && msg.seq < room.next) return; // delivered already
    if (room.next !== null && msg.seq > room.next) {
      room.early.set(msg.seq, { raw, msg });
      room.gapTimer ??= setTimeout(() => skipGap(partyId, room), GAP_WAIT_MS);
      return;
    }
    deliver(partyId, room, raw, msg);
    drain(partyId, room);
  }

  function drain(partyId: string, room: Room) {
    while (rooms.get(partyId) === room && room.next !== null && room.early.has(room.next)) {
      const { raw, msg } = room.early.get(room.next)!;
      room.early.delete(msg.seq);
      deliver(partyId, room, raw, msg);
    }
    if (room.early.size > 0 && rooms.get(partyId) === room) return;
    clearTimeout(room.gapTimer);
    room.gapTimer = undefined;
  }

  function skipGap(partyId: string, room: Room) {
    room.gapTimer = undefined;
    if (rooms.get(partyId) !== room || room.early.size === 0) return;
    room.next = Math.min(...room.early.keys());
    drain(partyId, room);
    if (room.early.size > 0) room.gapTimer = setTimeout(() => skipGap(partyId, room), GAP_WAIT_MS);
  }

  function deliver(partyId: string, room: Room, raw: string, msg: Event) {
    room.next = msg.seq + 1;
    for (const [socket, seat] of room.seats) seat.held ? seat.held.push(raw) : socket.send(raw);
    // Who is out of the room after this event, on every instance at once.
    if (msg.type === 'party.ended') for (const socket of [...room.seats.keys()]) vacate(partyId, socket);
    else if (msg.type === 'party.kick' || (msg.type === 'party.leave' && msg.reason === 'left'))
      for (const socket of [...room.seats.keys()]) if (socket.userId === msg.user_id) vacate(partyId, socket);
  }

  /** Takes the socket out of the room; the last one out unsubscribes. True when its user has no seat left. */
  function vacate(partyId: string, socket: SocketHandle): boolean {
    const room = rooms.get(partyId);
    if (!room?.seats.delete(socket)) return false;
    if (room.seats.size === 0) {
      rooms.delete(partyId);
      clearTimeout(room.gapTimer);
      void room.subscribed.then((unsubscribe) => unsubscribe()).catch((err) => log.warn({ err }, 'unsubscribe failed'));
    }
    return ![...room.seats.keys()].some((s) => s.userId === socket.userId);
  }

  async function enter(socket: SocketHandle, partyId: string) {
    const deps = options.deps();
    await memberParty(deps.em, partyId, socket.userId);
    let room = rooms.get(partyId);
    if (!room) {
      room = {
        seats: new Map(),
        subscribed: hub.subscribe(partyChannel(partyId), (raw) => receive(partyId, raw)),
        next: null,
        early: new Map(),
      };
      rooms.set(partyId, room);
    }
    const already = room.seats.has(socket);
    const seat: Seat = room.seats.get(socket) ?? { held: [] };
    room.seats.set(socket, seat);
    try {
      await room.subscribed;
      if (!already) await announceJoin(deps, partyId, socket.userId);
      await sendState(socket, partyId, seat);
    } catch (err) {
      if (!already) vacate(partyId, socket);
      throw err;
    }
  }

  async function sendState(socket: SocketHandle, partyId: string, seat?: Seat) {
    const deps = options.deps();
    const party = await memberParty(deps.em, partyId, socket.userId);
    const state = await partyState(deps.em, party, deps.config.WATCH_PARTY_CHAT_HISTORY);
    socket.send(JSON.stringify({ type: 'party.state', party_id: partyId, state }));
    if (!seat?.held) return;
    const held = seat.held;
    seat.held = null;
    for (const raw of held) if ((JSON.parse(raw) as { seq: number }).seq > state.seq) socket.send(raw);
  }

  async function handle(socket: SocketHandle, msg: PartyClientMessage) {
    switch (msg.type) {
      case 'party.join':
        return enter(socket, msg.party_id);
      case 'party.state':
        return sendState(socket, msg.party_id);
      default:
        return runCommand(options.deps(), socket.userId, msg);
    }
  }

  const sweepEvery = (graceMs: number) => Math.min(30_000, Math.max(100, Math.floor(graceMs / 2)));
  const grace = options.deps().config.WATCH_PARTY_HOST_GRACE_MS;
  const sweep = setInterval(() => track(endAbandoned(options.deps())), sweepEvery(grace));
  sweep.unref();

  // One socket's messages run one after another: the host's play then pause must not race for the lock.
  const queues = new WeakMap<SocketHandle, Promise<void>>();
  const depth = new WeakMap<SocketHandle, number>();

  async function run(socket: SocketHandle, msg: { type: string } & Record<string, unknown>) {
    const invalid = invalidReason(msg);
    if (invalid) return error(socket, msg.party_id, msg.type, 'INVALID_REQUEST', invalid);
    try {
      await handle(socket, msg as PartyClientMessage);
    } catch (err) {
      if (err instanceof AppError) return error(socket, msg.party_id, msg.type, err.code, err.message);
      log.warn({ err, type: msg.type }, 'watch party message failed');
      error(socket, msg.party_id, msg.type, 'INTERNAL_ERROR', 'The message could not be handled');
    }
  }

  const extension: GatewayExtension = {
    async message(socket, msg) {
      const waiting = depth.get(socket) ?? 0;
      if (waiting >= MAX_QUEUED)
        return error(socket, msg.party_id, msg.type, 'RATE_LIMITED', 'Too many party messages in flight');
      depth.set(socket, waiting + 1);
      const queued = (queues.get(socket) ?? Promise.resolve())
        .then(() => run(socket, msg))
        .finally(() => depth.set(socket, (depth.get(socket) ?? 1) - 1));
      queues.set(socket, queued);
      return queued;
    },
    closed(socket) {
      for (const partyId of [...rooms.keys()])
        if (vacate(partyId, socket)) track(announceDisconnect(options.deps(), partyId, socket.userId));
    },
  };

  return {
    extension,
    async close() {
      clearInterval(sweep);
      await Promise.all(pending);
    },
  };
}

export type Rooms = ReturnType<typeof createRooms>;
