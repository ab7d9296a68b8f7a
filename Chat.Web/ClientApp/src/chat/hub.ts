import * as signalR from "@microsoft/signalr";
import { session } from "../auth/session";

// Reconnects for as long as the page lives: quickly at first, then every 10 s, with jitter so that a node's
// clients do not all come back in the same instant.
const retryPolicy: signalR.IRetryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) =>
    Math.min(10_000, 500 * 2 ** previousRetryCount) * (0.75 + Math.random() / 2),
};

/**
 * The hub connection on this origin (/hubs/chat), over WebSockets without negotiation as the protocol asks: the
 * nodes sit behind a balancer without sticky sessions. The token is asked for on every (re)connect.
 */
export function createHubConnection(): signalR.HubConnection {
  return new signalR.HubConnectionBuilder()
    .withUrl("/hubs/chat", {
      accessTokenFactory: () => session.accessToken(),
      transport: signalR.HttpTransportType.WebSockets,
      skipNegotiation: true,
    })
    .withAutomaticReconnect(retryPolicy)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
}
