DROP TABLE mail_thread_summaries;
DROP TABLE mail_account_stats;
