"""How each new connection to PostgreSQL is set up (``StartpakketConfig.ready`` connects it)."""

# The list queries join a referral to six tables (its organisation, nurse, kit type, warehouse,
# pick-up point and that point's warehouse) and add subqueries. PostgreSQL weighs every order
# of those joins, and planning them took longer than running them: the approval queue's
# query 14 ms planning against 2 ms running, the coordinator's home 23 ms against 46. Django
# writes them as the referral first and then lookups by key, which is the right order anyway;
# past four joins the written order now stands (the home 7 ms, the queue 4; at 100,000
# referrals 19 of 31 pages faster in two runs each way, none slower in both, bench/README.md).
JOIN_COLLAPSE_LIMIT = 4


def set_up_connection(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET join_collapse_limit = {JOIN_COLLAPSE_LIMIT}")
