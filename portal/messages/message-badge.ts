import type { BadgeCounter } from '../http/header-badges.js';
import { countUnreadForCard } from './message-repository.js';

/** The header's ✉: unread MY mails addressed to the member's card (none without a card). */
export const unreadMessagesBadge: BadgeCounter = async (db, member) => {
  const card = member.household;
  return { messages: card ? await countUnreadForCard(db, member.unionSlug, card) : 0 };
};
