import { refusalFrom } from "./problems";
import { session, SignedOut } from "../auth/session";

/** REST calls with the sign-in's bearer token; refusals become readable errors. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const send = async () =>
    fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${await session.accessToken()}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const response = await send();
  if (response.status === 401) {
    // The device was signed out (or its tokens revoked) while this tab held an access token.
    session.forget();
    throw new SignedOut("This device was signed out. Sign in again.");
  }
  if (!response.ok) throw await refusalFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
