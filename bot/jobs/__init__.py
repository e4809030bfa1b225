"""The periodic jobs (APScheduler): dispatch, sweeps, pause resumption. Schedules live in the database."""
