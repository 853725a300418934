"""The contact page's core: 受付番号 (reference codes) and the member's trail they carry.

* `code`: making, reading and checking codes such as K7Q-4MD2 (pure).
* `trail`: what the member already did (wizard answers, chat messages, FAQs
  viewed, queries typed) as a plain dataclass with its JSON form (pure).
* `store`: issuing, looking up and counting codes in the database
  (SQLAlchemy Core, no Flask).
"""
