import type { HubConnection } from "@microsoft/signalr";
import { api } from "../api/http";
import { describe, refusalFromHub, ServerRefusal } from "../api/problems";
import type { CallEvent, CallSignal, CallView, TurnCredentials } from "../api/wire";
import { callSettings } from "./callSettings";
import { PeerLink } from "./peerLink";

export interface ActiveCall {
  call: CallView;
  local: MediaStream;
  /** One link per other device in the call. */
  peers: Map<string, PeerLink>;
}

/**
 * This tab's side of calls (docs/protocol.md, "Calls on the hub"): it rings for calls to this user, places and
 * answers calls over the hub, and holds a peer connection to each other device in the call. The device that joins
 * offers to those already in it, so the caller only ever answers.
 */
export class CallManager {
  /** A call ringing for this user, shown until answered here or elsewhere, declined, or over. */
  incoming: CallView | null = null;
  active: ActiveCall | null = null;
  private turn: TurnCredentials | null = null;
  private ringTimer: number | undefined;
  /** The call this tab is answering, between the click and the server's answer. */
  private answering: string | null = null;
  private turnTimer: number | undefined;

  constructor(
    private readonly connection: HubConnection,
    private readonly me: { userId: string; deviceId: string },
    private readonly changed: () => void,
    private readonly say: (notice: string) => void,
  ) {
    connection.on("call", (event: CallEvent) => this.onCall(event));
    connection.on("callSignal", (signal: CallSignal) => void this.onSignal(signal).catch((e) => console.warn("A call signal failed.", e)));
    // A closing page leaves its call at once, rather than when the server misses the device.
    window.addEventListener("pagehide", () => {
      if (this.active) void this.connection.send("HangUp", { callId: this.active.call.callId }).catch(() => undefined);
    });
  }

  async start(conversationId: string, media: "audio" | "video"): Promise<void> {
    if (this.active) return;
    await this.attempt(async () => {
      const local = await this.media(media);
      try {
        this.turn = await this.credentials();
        const call = await this.connection.invoke<CallView>("StartCall", { conversationId, callId: crypto.randomUUID(), media });
        if (call.state === "ended") {
          stopTracks(local);
          this.say(outcomeWords(call, true));
          return;
        }
        this.active = { call, local, peers: new Map() };
      } catch (error) {
        stopTracks(local);
        throw error;
      }
    });
  }

  async accept(): Promise<void> {
    const ringing = this.incoming;
    if (!ringing || this.active) return;
    this.stopRinging();
    this.answering = ringing.callId;
    await this.attempt(async () => {
      const local = await this.media(ringing.media);
      try {
        this.turn = await this.credentials();
        const call = await this.connection.invoke<CallView>("AcceptCall", { callId: ringing.callId });
        this.active = { call, local, peers: new Map() };
        await this.offerToOthers();
      } catch (error) {
        // In the call or not, this device must not stay in it without media.
        if (this.active) void this.connection.invoke("HangUp", { callId: ringing.callId }).catch(() => undefined);
        this.end();
        stopTracks(local);
        throw error;
      } finally {
        this.answering = null;
      }
    });
  }

  /**
   * After every (re)connect: a device in a call resumes it through its new connection (AcceptCall answers a
   * device already in the call with the call as it stands), offers again to any device it lost, and leaves the
   * call behind if it ended meanwhile.
   */
  async resume(): Promise<void> {
    const active = this.active;
    if (!active) return;
    try {
      active.call = await this.connection.invoke<CallView>("AcceptCall", { callId: active.call.callId });
      await this.offerToOthers();
    } catch (error) {
      this.end();
      this.say(describe(refusalFromHub(error)));
    }
  }

  async reject(): Promise<void> {
    const ringing = this.incoming;
    this.incoming = null;
    this.changed();
    if (ringing) await this.attempt(() => this.connection.invoke("RejectCall", { callId: ringing.callId }));
  }

  async hangUp(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.end();
    await this.attempt(() => this.connection.invoke("HangUp", { callId: active.call.callId }));
  }

  private onCall({ type, call, userId, deviceId }: CallEvent): void {
    if (this.active?.call.callId === call.callId) {
      this.active.call = call;
      if (type === "left" && deviceId === this.me.deviceId) {
        // Taken out of the call: this device was missed for too long, or its user left the conversation.
        this.end();
        this.say("You are no longer in the call.");
      } else if (type === "left" && deviceId) {
        this.drop(deviceId);
      } else if (type === "ended") {
        this.end();
        this.say(outcomeWords(call, call.callerId === this.me.userId));
      }
    } else if (this.incoming?.callId === call.callId) {
      // Tabs of one sign-in are one device: a join by this device from another tab is an answer elsewhere too.
      const answeredElsewhere = type === "joined" && userId === this.me.userId && this.answering !== call.callId;
      if (answeredElsewhere || (type === "declined" && userId === this.me.userId) || type === "ended" || type === "unanswered") {
        this.stopRinging();
        if (answeredElsewhere) this.say("Answered on another device.");
        else if (type !== "declined") this.say("Missed call.");
      } else {
        this.incoming = call;
      }
    } else if ((type === "ringing" || type === "state") && this.answering !== call.callId && this.ringsHere(call)) {
      this.ring(call, type === "ringing");
    } else {
      return;
    }
    this.changed();
  }

  private async onSignal({ callId, fromUserId, fromDeviceId, type, data }: CallSignal): Promise<void> {
    // Other tabs of this device get the signals too; only the one in the call acts on them.
    if (this.active?.call.callId !== callId) return;
    const link = this.active.peers.get(fromDeviceId) ?? this.link(fromDeviceId, fromUserId);
    await link.receive(type, data);
  }

  /** A call rings here while it is for this user, and not answered or declined by them. */
  private ringsHere(call: CallView): boolean {
    return call.state !== "ended" && !this.active && call.callerId !== this.me.userId
      && call.invitees.includes(this.me.userId) && !call.declined.includes(this.me.userId)
      && !call.participants.some((p) => p.userId === this.me.userId);
  }

  /**
   * Rings until the call's ring time, measured on this clock (the server's may differ): a fresh call rings for
   * its whole ring time from now, one learnt of later at most until its ringUntil. The server ends or stops it
   * then anyway; this only keeps a missed event from ringing for ever.
   */
  private ring(call: CallView, fresh: boolean): void {
    this.incoming = call;
    const ringsFor = Date.parse(call.ringUntil) - Date.parse(call.startedAt);
    const left = fresh ? ringsFor : Math.min(ringsFor, Math.max(1_000, Date.parse(call.ringUntil) - Date.now()));
    clearTimeout(this.ringTimer);
    this.ringTimer = window.setTimeout(() => {
      if (this.incoming?.callId === call.callId) {
        this.stopRinging();
        this.changed();
      }
    }, left + 2_000);
  }

  private stopRinging(): void {
    clearTimeout(this.ringTimer);
    this.incoming = null;
  }

  /** The device that joins offers to each device in the call it has no working connection to. */
  private async offerToOthers(): Promise<void> {
    const active = this.active!;
    for (const other of active.call.participants.filter((p) => p.deviceId !== this.me.deviceId)) {
      const link = active.peers.get(other.deviceId);
      if (link && link.state !== "failed" && link.state !== "closed") continue;
      this.drop(other.deviceId);
      await this.link(other.deviceId, other.userId).offer();
    }
  }

  private link(deviceId: string, userId: string): PeerLink {
    const active = this.active!;
    const link = new PeerLink(deviceId, userId, this.turn, callSettings.relayOnly, active.local,
      (type, data) => this.connection.invoke("SendCallSignal", { callId: active.call.callId, toDeviceId: deviceId, type, data }),
      this.changed);
    link.onFailed = () => {
      // No path to that device: in a call of two there is nothing left; in a group, only that peer is lost.
      if (this.active?.call.participants.length === 2) {
        this.say("The call's connection failed.");
        void this.hangUp();
      } else {
        this.drop(deviceId);
        this.changed();
      }
    };
    active.peers.set(deviceId, link);
    return link;
  }

  private drop(deviceId: string): void {
    this.active?.peers.get(deviceId)?.close();
    this.active?.peers.delete(deviceId);
  }

  private end(): void {
    if (!this.active) return;
    for (const link of this.active.peers.values()) link.close();
    stopTracks(this.active.local);
    this.active = null;
    clearTimeout(this.turnTimer);
    this.changed();
  }

  /**
   * TURN credentials for this call, fetched again (and handed to every peer connection) five minutes before they
   * expire. Without a relay (503) calls still go direct, unless the person wants relay only.
   */
  private async credentials(): Promise<TurnCredentials | null> {
    try {
      const turn = await api<TurnCredentials>("GET", "/api/calls/turn");
      clearTimeout(this.turnTimer);
      this.turnTimer = window.setTimeout(() => void this.renewCredentials(), Math.max(60, turn.ttl - 300) * 1_000);
      return turn;
    } catch (error) {
      if (callSettings.relayOnly) throw new ServerRefusal("Calls cannot be relayed just now, and this browser is set to relay every call.", null, null);
      console.warn("No TURN relay for this call.", error);
      return null;
    }
  }

  private async renewCredentials(): Promise<void> {
    if (!this.active) return;
    const turn = await this.credentials().catch(() => null);
    if (!turn || !this.active) return;
    this.turn = turn;
    for (const link of this.active.peers.values()) await link.renew(turn).catch((e) => console.warn("Renewing a relay failed.", e));
  }

  private async media(kind: "audio" | "video"): Promise<MediaStream> {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true, video: kind === "video" });
    } catch {
      throw new ServerRefusal(`Allow this page to use your microphone${kind === "video" ? " and camera" : ""} to call.`, null, null);
    }
  }

  private async attempt(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.say(describe(error instanceof ServerRefusal ? error : refusalFromHub(error)));
    } finally {
      this.changed();
    }
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** What a call's end means, from either side. */
export function outcomeWords(call: Pick<CallView, "outcome" | "durationSeconds">, placedByMe: boolean): string {
  switch (call.outcome) {
    case "completed": return `Call ended (${duration(call.durationSeconds ?? 0)}).`;
    case "rejected": return placedByMe ? "Call declined." : "You declined the call.";
    case "missed": return placedByMe ? "No answer." : "Missed call.";
    case "busy": return placedByMe ? "Busy: they are in another call." : "Missed call while you were in another.";
    case "cancelled": return placedByMe ? "Call cancelled." : "Missed call.";
    default: return "Call ended.";
  }
}

export function duration(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
