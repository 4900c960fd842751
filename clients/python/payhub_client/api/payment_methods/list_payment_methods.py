from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.list_payment_methods_pay_hub_version import ListPaymentMethodsPayHubVersion
from ...models.list_payment_methods_response_list_payment_methods import ListPaymentMethodsResponseListPaymentMethods
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    customer_id: str,
    *,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListPaymentMethodsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

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
        "url": "/v1/customers/{customer_id}/payment_methods".format(customer_id=quote(str(customer_id), safe=""),),
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ListPaymentMethodsResponseListPaymentMethods | Problem | None:
    if response.status_code == 200:
        response_200 = ListPaymentMethodsResponseListPaymentMethods.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ListPaymentMethodsResponseListPaymentMethods | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    customer_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListPaymentMethodsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[ListPaymentMethodsResponseListPaymentMethods | Problem]:
    """ List Payment Methods

     The customer's saved payment methods, newest first: summaries only.

    Args:
        customer_id (str):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListPaymentMethodsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListPaymentMethodsResponseListPaymentMethods | Problem]
     """


    kwargs = _get_kwargs(
        customer_id=customer_id,
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
    customer_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListPaymentMethodsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> ListPaymentMethodsResponseListPaymentMethods | Problem | None:
    """ List Payment Methods

     The customer's saved payment methods, newest first: summaries only.

    Args:
        customer_id (str):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListPaymentMethodsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListPaymentMethodsResponseListPaymentMethods | Problem
     """


    return sync_detailed(
        customer_id=customer_id,
client=client,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    customer_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListPaymentMethodsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[ListPaymentMethodsResponseListPaymentMethods | Problem]:
    """ List Payment Methods

     The customer's saved payment methods, newest first: summaries only.

    Args:
        customer_id (str):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListPaymentMethodsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ListPaymentMethodsResponseListPaymentMethods | Problem]
     """


    kwargs = _get_kwargs(
        customer_id=customer_id,
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
    customer_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: None | str | Unset = UNSET,
    pay_hub_version: ListPaymentMethodsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> ListPaymentMethodsResponseListPaymentMethods | Problem | None:
    """ List Payment Methods

     The customer's saved payment methods, newest first: summaries only.

    Args:
        customer_id (str):
        limit (int | Unset):  Default: 20.
        starting_after (None | str | Unset): Cursor: the last id of the previous page
        pay_hub_version (ListPaymentMethodsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ListPaymentMethodsResponseListPaymentMethods | Problem
     """


    return (await asyncio_detailed(
        customer_id=customer_id,
client=client,
limit=limit,
starting_after=starting_after,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
