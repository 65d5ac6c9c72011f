DROP TABLE saved_queries;
