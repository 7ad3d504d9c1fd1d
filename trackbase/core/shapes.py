"""Hot lists without per-row Python objects, still described once.

`RowShape(SerializerClass)` reads a response serializer's declared fields and derives from them the
database columns they need (`lookups`, nested serializers included) and a function that turns one flat
row of those columns into the dict the serializer would render. The serializer stays the one description
of the shape: it documents it in the OpenAPI schema and renders single objects; the shape renders lists.

`PreparedQuery(build, *sample)` has the ORM build a query's SQL once per database, then runs it with other
parameter values: building SQL through the ORM costs more than running a short indexed query.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import NamedTuple

from django.conf import settings
from django.db import connections, router
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.settings import api_settings

# Fields whose to_representation returns a database value as it is, or (datetimes) as the project's JSON
# renderer writes it anyway: ISO 8601, UTC as Z, when TIME_ZONE is UTC (see core/renderers.py).
_AS_STORED = (serializers.IntegerField, serializers.CharField, serializers.ChoiceField, serializers.BooleanField)


class RowShape:
    """The columns `serializer_class` reads (`lookups`, in row order) and `render(row) -> dict`, its output.
    Derived on first use (a ModelSerializer's fields need the app registry). A serializer that overrides
    to_representation must render what its fields would: the equivalence tests compare the two."""

    def __init__(self, serializer_class: type[serializers.BaseSerializer]):
        self.serializer_class = serializer_class

    @property
    def lookups(self) -> list[str]:
        return self._derived[0]

    def render(self, row: Sequence) -> dict:
        return self._derived[1](row)

    def render_object(self, instance) -> dict:
        """One model instance (related objects loaded), as the serializer renders it."""
        return self._derived[1]([attribute(instance) for attribute in self._derived[2]])

    @cached_property
    def _derived(self) -> tuple[list[str], Callable[[Sequence], dict], list[attrgetter]]:
        lookups: list[str] = []
        render = _compile(self.serializer_class(), prefix="", lookups=lookups)
        return lookups, render, [attrgetter(lookup.replace("__", ".")) for lookup in lookups]


def _compile(serializer: serializers.BaseSerializer, *, prefix: str, lookups: list[str]) -> Callable[[Sequence], dict]:
    steps = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        lookup = prefix + "__".join(field.source_attrs)
        if isinstance(field, serializers.BaseSerializer):
            if getattr(field, "many", False) or field.allow_null:
                raise TypeError(f"{name}: only a required one-to-one nested object fits in a flat row")
            steps.append((name, _compile(field, prefix=f"{lookup}__", lookups=lookups)))
        else:
            steps.append((name, _column(field, index=len(lookups))))
            lookups.append(lookup)
    return lambda row: {name: step(row) for name, step in steps}


def _column(field: serializers.Field, *, index: int) -> Callable[[Sequence], object]:
    if _as_stored(field):
        return itemgetter(index)
    convert = field.to_representation
    return lambda row: None if row[index] is None else convert(row[index])


def _as_stored(field: serializers.Field) -> bool:
    if isinstance(field, serializers.DateTimeField):
        iso = getattr(field, "format", api_settings.DATETIME_FORMAT) == api_settings.DATETIME_FORMAT == "iso-8601"
        return iso and settings.TIME_ZONE == "UTC" and getattr(field, "timezone", None) is None
    return isinstance(field, _AS_STORED) and type(field).to_representation in {
        serializers.IntegerField.to_representation,
        serializers.CharField.to_representation,
        serializers.ChoiceField.to_representation,
        serializers.BooleanField.to_representation,
    }


class _Statement(NamedTuple):
    sql: str
    order: list[int]  # the SQL's parameters, as indexes into the args

    def params(self, args: tuple) -> list:
        return [args[index] for index in self.order]


class _Compiled(NamedTuple):
    page: _Statement  # ... LIMIT %s OFFSET %s
    count: _Statement
    converters: dict  # column index -> (the backend's converters, expression), as Django applies them


class PreparedQuery:
    """`build(*args)`'s SQL, built once per database and run with other args; rows rendered by `shape`.

    `build` must use each of its args once, as a query parameter (the ORM may order them as it likes): found
    in the SQL by `sample`, distinct values of the right types. LIMIT and OFFSET are parameters of their own.
    """

    def __init__(self, build: Callable[..., QuerySet], *sample, shape: RowShape):
        self.build, self.sample, self.shape = build, sample, shape
        self._compiled: dict[str, _Compiled] = {}
        self._model = None

    def page(self, *args, limit: int, offset: int) -> list[dict]:
        alias, compiled = self._for_database()
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.page.sql, [*compiled.page.params(args), limit, offset])
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [_converted(row, compiled.converters, connection) for row in rows]
        return [self.shape.render(row) for row in rows]

    def count(self, *args) -> int:
        alias, compiled = self._for_database()
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.count.sql, compiled.count.params(args))
            return cursor.fetchone()[0]

    def _for_database(self) -> tuple[str, _Compiled]:
        if self._model is None:
            self._model = self.build(*self.sample).model
        alias = router.db_for_read(self._model)
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(self.build(*self.sample), alias)
        return alias, self._compiled[alias]

    def _compile(self, queryset: QuerySet, alias: str) -> _Compiled:
        compiler = queryset.values_list(*self.shape.lookups).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        count_sql, count_params = queryset.order_by().values_list("pk").query.get_compiler(using=alias).as_sql()
        return _Compiled(
            page=_Statement(f"{sql} LIMIT %s OFFSET %s", self._order(params)),
            count=_Statement(f"SELECT COUNT(*) FROM ({count_sql}) counted", self._order(count_params)),  # noqa: S608
            converters=_lean(compiler.get_converters([column for column, _, _ in compiler.select]), alias),
        )

    def _order(self, params: Sequence) -> list[int]:
        order = [self.sample.index(value) if value in self.sample else -1 for value in params]
        if len(set(self.sample)) != len(self.sample) or sorted(order) != list(range(len(self.sample))):
            raise ValueError(f"build() must use each of {self.sample!r} once as a parameter, not {params!r}")
        return order


class PreparedRows:
    """A PreparedQuery's rows for some args, as `paginate` reads rows: a slice is one page, `count()` all."""

    def __init__(self, query: PreparedQuery, *args):
        self.query, self.args = query, args

    def __getitem__(self, window: slice) -> list[dict]:
        return self.query.page(*self.args, limit=window.stop - window.start, offset=window.start)

    def count(self) -> int:
        return self.query.count(*self.args)


def _lean(converters: dict, alias: str) -> dict:
    """Django's converters, but on SQLite in UTC a cheaper one for datetimes: the sqlite3 module already hands
    back a datetime column parsed (naive, in UTC), which Django's converter would check and make aware by way
    of a settings read and make_aware, per value."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or not settings.USE_TZ or connection.timezone != UTC:
        return converters
    return {
        index: ([_sqlite_datetime] if _is_sqlite_datetime(functions) else functions, expression)
        for index, (functions, expression) in converters.items()
    }


def _is_sqlite_datetime(functions: list) -> bool:
    return len(functions) == 1 and getattr(functions[0], "__name__", "") == "convert_datetimefield_value"


def _sqlite_datetime(value, expression, connection):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return connection.ops.convert_datetimefield_value(value, expression, connection)


def _converted(row: tuple, converters: dict, connection) -> list:
    row = list(row)
    for index, (functions, expression) in converters.items():
        value = row[index]
        for function in functions:
            value = function(value, expression, connection)
        row[index] = value
    return row
