from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.exception_class import ExceptionClass
from ...models.list_reconciliation_exceptions_pay_hub_version import ListReconciliationExceptionsPayHubVersion
from ...models.list_reconciliation_exceptions_response_list_reconciliation_exceptions import ListReconciliationExceptionsResponseListReconciliationExceptions
from ...models.list_reconciliation_exceptions_status_type_0 import ListReconciliationExceptionsStatusType0
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    class_: ExceptionClass | None | Unset = UNSET,
    status: ListReconciliationExceptionsStatusType0 | None | Unset = UNSET,
    gateway: None | str | Unset = UNSET,
    run: None | str | Unset = UNSET,
    payment: None | str | Unset = UNSET,
    occurred_gte: datetime.datetime | None | Unset = UNSET,
    occurred_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListReconciliationExceptionsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    json_class_: None | str | Unset
    if isinstance(class_, Unset):
        json_class_ = UNSET
    elif isinstance(class_, ExceptionClass):
        json_class_ = class_.value
    else:
        json_class_ = class_
    params["class"] = json_class_

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListReconciliationExceptionsStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_gateway: None | str | Unset
    if isinstance(gateway, Unset):
        json_gateway = UNSET
    else:
        json_gateway = gateway
    params["gateway"] = json_gateway

    json_run: None | str | Unset
    if isinstance(run, Unset):
        json_run = UNSET
    else:
        json_run = run
    params["run"] = json_run

    json_payment: None | str | Unset
    if isinstance(payment, Unset):
        json_payment = UNSET
    else:
        json_payment = payment
    params["payment"] = json_payment

    json_occurred_gte: None | str | Unset
    if isinstance(occurred_gte, Unset):
        json_occurred_gte = UNSET
    elif isinstance(occurred_gte, datetime.datetime):
        json_occurred_gte = occurred_gte.isoformat()
    else:
        json_occurred_gte = occurred_gte
    params["occurred_gte"] = json_occurred_gte

    json_occurred_lt: None | str | Unset
    if isinstance(occurred_lt, Unset):
        json_occurred_lt = UNSET
    elif isinstance(occurred_lt, datetime.datetime):
        json_occurred_lt = occurred_lt.isoformat()
    else:
        json_occurred_lt = occurred_lt
    params["occurred_lt"] = json_occurred_lt

    params["limit"] = limit

    json_starting_after: None | str | Unset
    if isinstance(starting_after, Unset):
        json_starting_after = UNSET
    else:
        json_starting_after = starting_after
    params["starting_after"] = json_starting_after


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reconciliation/exceptions",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ListReconciliationExceptionsResponseListReconciliationExceptions | Problem | None:
    if response.status_code == 200:
        response_200 = ListReconciliationExceptionsResponseListReconciliationExceptions.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())



        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ListReconciliationExceptionsResponseListReconciliationExceptions | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    class_: ExceptionClass | None | Unset = UNSET,
    status: ListReconciliationExceptionsStatusType0 | None | Unset = UNSET,
    gateway: None | str | Unset = UNSET,
    run: None | str | Unset = UNSET,
    payment: None | str | Unset = UNSET,
    occurred_gte: datetime.datetime | None | Unset = UNSET,
    occurred_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListReconciliationExceptionsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[ListReconciliationExceptionsResponseListReconciliationExceptions | Problem]:
    """ List Exceptions

     Exceptions, newest first.

    Args:
        class_ (ExceptionClass | None | Unset):
        status (ListReconciliationExceptionsStatusType0 | None | Unset):
        gateway (None | str | Unset):
        run (None | str | Unset):
        payment (None | str | Unset):
        occurred_gte (datetime.datetime | None | Unset): ISO 8601 with a time zone, inclusive
        occurred_lt (datetime.datetime | None | Unset): ISO 8601 with a time zone, exclusive
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListReconciliationExceptionsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListReconciliationExceptionsResponseListReconciliationExceptions | Problem]
     """


    kwargs = _get_kwargs(
        class_=class_,
status=status,
gateway=gateway,
run=run,
payment=payment,
occurred_gte=occurred_gte,
occurred_lt=occurred_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    class_: ExceptionClass | None | Unset = UNSET,
    status: ListReconciliationExceptionsStatusType0 | None | Unset = UNSET,
    gateway: None | str | Unset = UNSET,
    run: None | str | Unset = UNSET,
    payment: None | str | Unset = UNSET,
    occurred_gte: datetime.datetime | None | Unset = UNSET,
    occurred_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListReconciliationExceptionsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> ListReconciliationExceptionsResponseListReconciliationExceptions | Problem | None:
    """ List Exceptions

     Exceptions, newest first.

    Args:
        class_ (ExceptionClass | None | Unset):
        status (ListReconciliationExceptionsStatusType0 | None | Unset):
        gateway (None | str | Unset):
        run (None | str | Unset):
        payment (None | str | Unset):
        occurred_gte (datetime.datetime | None | Unset): ISO 8601 with a time zone, inclusive
        occurred_lt (datetime.datetime | None | Unset): ISO 8601 with a time zone, exclusive
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListReconciliationExceptionsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListReconciliationExceptionsResponseListReconciliationExceptions | Problem
     """


    return sync_detailed(
        client=client,
class_=class_,
status=status,
gateway=gateway,
run=run,
payment=payment,
occurred_gte=occurred_gte,
occurred_lt=occurred_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    class_: ExceptionClass | None | Unset = UNSET,
    status: ListReconciliationExceptionsStatusType0 | None | Unset = UNSET,
    gateway: None | str | Unset = UNSET,
    run: None | str | Unset = UNSET,
    payment: None | str | Unset = UNSET,
    occurred_gte: datetime.datetime | None | Unset = UNSET,
    occurred_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListReconciliationExceptionsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[ListReconciliationExceptionsResponseListReconciliationExceptions | Problem]:
    """ List Exceptions

     Exceptions, newest first.

    Args:
        class_ (ExceptionClass | None | Unset):
        status (ListReconciliationExceptionsStatusType0 | None | Unset):
        gateway (None | str | Unset):
        run (None | str | Unset):
        payment (None | str | Unset):
        occurred_gte (datetime.datetime | None | Unset): ISO 8601 with a time zone, inclusive
        occurred_lt (datetime.datetime | None | Unset): ISO 8601 with a time zone, exclusive
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListReconciliationExceptionsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListReconciliationExceptionsResponseListReconciliationExceptions | Problem]
     """


    kwargs = _get_kwargs(
        class_=class_,
status=status,
gateway=gateway,
run=run,
payment=payment,
occurred_gte=occurred_gte,
occurred_lt=occurred_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    class_: ExceptionClass | None | Unset = UNSET,
    status: ListReconciliationExceptionsStatusType0 | None | Unset = UNSET,
    gateway: None | str | Unset = UNSET,
    run: None | str | Unset = UNSET,
    payment: None | str | Unset = UNSET,
    occurred_gte: datetime.datetime | None | Unset = UNSET,
    occurred_lt: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListReconciliationExceptionsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> ListReconciliationExceptionsResponseListReconciliationExceptions | Problem | None:
    """ List Exceptions

     Exceptions, newest first.

    Args:
        class_ (ExceptionClass | None | Unset):
        status (ListReconciliationExceptionsStatusType0 | None | Unset):
        gateway (None | str | Unset):
        run (None | str | Unset):
        payment (None | str | Unset):
        occurred_gte (datetime.datetime | None | Unset): ISO 8601 with a time zone, inclusive
        occurred_lt (datetime.datetime | None | Unset): ISO 8601 with a time zone, exclusive
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListReconciliationExceptionsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListReconciliationExceptionsResponseListReconciliationExceptions | Problem
     """


    return (await asyncio_detailed(
        client=client,
class_=class_,
status=status,
gateway=gateway,
run=run,
payment=payment,
occurred_gte=occurred_gte,
occurred_lt=occurred_lt,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
