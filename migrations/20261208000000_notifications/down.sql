DROP TABLE notification_opt_outs;
DROP TABLE notification_marks;
DROP TABLE notifications;
