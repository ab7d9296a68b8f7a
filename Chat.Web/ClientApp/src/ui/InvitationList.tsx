import { useStore } from "./storeContext";

/** Invitations to groups from people this user shares no conversation with: each joins only when accepted. */
export function InvitationList() {
  const store = useStore();
  if (store.invitations.length === 0) return null;
  return (
    <ul className="invitations" aria-label="Invitations">
      {store.invitations.map((invitation) => (
        <li key={invitation.conversationId} className="invitation">
          <p>
            <strong>{store.name(invitation.invitedBy)}</strong> invites you to <strong>{invitation.title || "a group"}</strong>{" "}
            ({invitation.memberCount} members)
          </p>
          <button type="button" onClick={() => void store.answerInvitation(invitation, true)}>Join</button>{" "}
          <button type="button" className="link" onClick={() => void store.answerInvitation(invitation, false)}>Decline</button>
        </li>
      ))}
    </ul>
  );
}
