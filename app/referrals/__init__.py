"""Referrals that close the loop without personal data (issue 23).

A link worker's prescription gives each activity a short unguessable code (`codes`);
the group's editors acknowledge it and record how it went, the referrer sees the
outcome (`referrals`); editors are reminded of referrals nobody acknowledged
(`reminders`); commissioners see uptake with small numbers suppressed (`uptake`); old
referrals are folded into counts (`retention`). No function here takes or returns
anything about the person referred: the code is the whole link between them.

Sits between the HSDS services layer (permissions, history, mail) and the pages and API
that call it.
"""
