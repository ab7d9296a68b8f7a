// Turns the server's refusals (REST problems and hub errors, both "code: words") into sentences for people.

const sentences: Record<string, string> = {
  not_member: "You are not a member of this conversation any more.",
  content_too_large: "That message is too long to send.",
  rate_limited: "You are going too fast. Wait a moment and try again.",
  conversation_not_found: "That conversation no longer exists.",
  message_not_found: "That message no longer exists.",
  not_sender: "Only the sender can change a message.",
  message_deleted: "That message was deleted.",
  no_shared_conversation: "You share no conversation with that person.",
  too_many_connections: "This account is open in too many places at once.",
  device_signed_out: "This device was signed out.",
  already_in_call: "You are already in a call. Hang up first.",
  call_in_progress: "There is a call going on in this conversation already.",
  answered_elsewhere: "The call was answered on another of your devices.",
  call_ended: "That call has ended.",
  call_full: "That call is full.",
  call_not_found: "That call is over.",
  blocked: "You cannot reach this user.",
  request_pending: "Accept this message request to reply.",
  request_not_accepted: "They have not accepted your message request yet.",
  invitation_not_found: "That invitation is no longer open.",
  not_owner: "Only the group's owner can do that.",
};

/** An error the server answered, already in words a person can read. */
export class ServerRefusal extends Error {
  constructor(message: string, readonly code: string | null, readonly status: number | null) {
    super(message);
  }
}

interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: Record<string, string[]>;
}

/** A REST answer that is not a success, as a refusal with readable words. */
export async function refusalFrom(response: Response, context?: Partial<Record<number, string>>): Promise<ServerRefusal> {
  let problem: Problem = {};
  try {
    problem = (await response.json()) as Problem;
  } catch {
    // Not a problem document (a proxy's page, say): the status decides the words.
  }

  const code = problem.code ?? null;
  const known = (code && sentences[code]) || context?.[response.status];
  if (known) return new ServerRefusal(known, code, response.status);
  if (problem.errors) {
    const fieldErrors = Object.values(problem.errors).flat();
    if (fieldErrors.length > 0) return new ServerRefusal(fieldErrors.join(" "), code, response.status);
  }
  if (response.status === 429) {
    const seconds = response.headers.get("Retry-After");
    return new ServerRefusal(`Too many attempts. Try again${seconds ? ` in ${seconds} seconds` : " later"}.`, code, 429);
  }
  if (response.status >= 500) return new ServerRefusal("The server had a problem. Try again in a moment.", code, response.status);
  return new ServerRefusal(problem.detail ?? problem.title ?? `The request failed (${response.status}).`, code, response.status);
}

/** A hub call's error ("code: words", possibly behind SignalR's own prefix) as readable words. */
export function refusalFromHub(error: unknown): ServerRefusal {
  const text = error instanceof Error ? error.message : String(error);
  // A code is snake_case; a one-word code ("blocked") counts only when known, so that other words before a colon do not.
  const match = /\b([a-z]+(?:_[a-z]+)*): (.*)$/s.exec(text);
  if (!match || (!match[1].includes("_") && !(match[1] in sentences))) {
    return new ServerRefusal("The server could not do that just now. Try again.", null, null);
  }
  const [, code, words] = match;
  return new ServerRefusal(sentences[code] ?? words, code, null);
}

/** Whatever failed, words for a person. */
export function describe(error: unknown): string {
  if (error instanceof ServerRefusal) return error.message;
  if (error instanceof TypeError) return "The server cannot be reached. Check your connection.";
  return "Something went wrong. Try again.";
}
