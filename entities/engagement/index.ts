// The engagement entities, collected for the ORM: notifications and broadcasts, and the recommender's tables.
import {
  NotificationBroadcast,
  type NotificationBroadcastSchema,
  UserNotification,
  type UserNotificationSchema,
} from './notifications.ts';
import {
  RecsState,
  type RecsStateSchema,
  TitleInteractionCount,
  type TitleInteractionCountSchema,
  TitleNeighbour,
  type TitleNeighbourSchema,
} from './recommendations.ts';

export const engagementEntities = [
  UserNotification,
  NotificationBroadcast,
  TitleNeighbour,
  TitleInteractionCount,
  RecsState,
];
export type EngagementSchemas =
  | typeof UserNotificationSchema
  | typeof NotificationBroadcastSchema
  | typeof TitleNeighbourSchema
  | typeof TitleInteractionCountSchema
  | typeof RecsStateSchema;
