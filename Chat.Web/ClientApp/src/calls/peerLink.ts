import type { TurnCredentials } from "../api/wire";

/** How media reaches the other device once connected: straight, or through the TURN relay. */
export type MediaPath = "direct" | "relay" | null;

/**
 * One RTCPeerConnection to one other device in the call (full mesh: one per device). Candidates that arrive
 * before the remote description wait for it, as WebRTC requires.
 */
export class PeerLink {
  readonly connection: RTCPeerConnection;
  remoteStream: MediaStream | null = null;
  path: MediaPath = null;
  /** ICE found no path, or lost it for good. */
  onFailed: (() => void) | null = null;
  private readonly waitingCandidates: RTCIceCandidateInit[] = [];

  /** Whether this side offered: it is the one that restarts ICE, so the two sides never offer at once. */
  private offered = false;

  constructor(
    readonly deviceId: string,
    readonly userId: string,
    turn: TurnCredentials | null,
    private readonly relayOnly: boolean,
    local: MediaStream,
    private readonly send: (type: "offer" | "answer" | "candidate", data: string) => Promise<void>,
    private readonly changed: () => void,
  ) {
    this.connection = new RTCPeerConnection(this.configuration(turn));
    for (const track of local.getTracks()) this.connection.addTrack(track, local);
    this.connection.onicecandidate = ({ candidate }) => {
      if (candidate) void this.send("candidate", JSON.stringify(candidate.toJSON())).catch(() => undefined);
    };
    this.connection.ontrack = ({ streams }) => {
      this.remoteStream = streams[0] ?? null;
      this.changed();
    };
    this.connection.onconnectionstatechange = () => {
      if (this.connection.connectionState === "connected") void this.findPath();
      if (this.connection.connectionState === "failed") this.onFailed?.();
      this.changed();
    };
  }

  get state(): RTCPeerConnectionState {
    return this.connection.connectionState;
  }

  /** The newcomer's side: it offers to each device already in the call. */
  async offer(): Promise<void> {
    this.offered = true;
    await this.connection.setLocalDescription(await this.connection.createOffer());
    await this.send("offer", this.connection.localDescription!.sdp);
  }

  /**
   * Fresh TURN credentials before the old ones expire: the relay refuses to refresh an allocation with expired
   * ones. The offering side restarts ICE with them; the other side answers the new offer as any offer.
   */
  async renew(turn: TurnCredentials): Promise<void> {
    this.connection.setConfiguration(this.configuration(turn));
    if (!this.offered) return;
    await this.connection.setLocalDescription(await this.connection.createOffer({ iceRestart: true }));
    await this.send("offer", this.connection.localDescription!.sdp);
  }

  async receive(type: "offer" | "answer" | "candidate", data: string): Promise<void> {
    if (type === "candidate") {
      const candidate = JSON.parse(data) as RTCIceCandidateInit;
      if (this.connection.remoteDescription) await this.connection.addIceCandidate(candidate);
      else this.waitingCandidates.push(candidate);
      return;
    }
    await this.connection.setRemoteDescription({ type, sdp: data });
    for (const candidate of this.waitingCandidates.splice(0)) await this.connection.addIceCandidate(candidate);
    if (type === "offer") {
      await this.connection.setLocalDescription(await this.connection.createAnswer());
      await this.send("answer", this.connection.localDescription!.sdp);
    }
  }

  close(): void {
    this.connection.close();
  }

  private configuration(turn: TurnCredentials | null): RTCConfiguration {
    return {
      iceServers: turn ? [{ urls: turn.uris, username: turn.username, credential: turn.password }] : [],
      iceTransportPolicy: this.relayOnly ? "relay" : "all",
    };
  }

  private async findPath(): Promise<void> {
    const stats = await this.connection.getStats();
    let pairId: string | undefined;
    stats.forEach((report) => {
      if (report.type === "transport" && report.selectedCandidatePairId) pairId = report.selectedCandidatePairId as string;
    });
    const pair = pairId ? stats.get(pairId) : undefined;
    const local = pair ? stats.get(pair.localCandidateId as string) : undefined;
    const remote = pair ? stats.get(pair.remoteCandidateId as string) : undefined;
    this.path = local?.candidateType === "relay" || remote?.candidateType === "relay" ? "relay" : "direct";
    this.changed();
  }
}
