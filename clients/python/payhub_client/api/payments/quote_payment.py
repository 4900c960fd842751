from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.payment_create import PaymentCreate
from ...models.problem import Problem
from ...models.quote_payment_pay_hub_version import QuotePaymentPayHubVersion
from ...models.quote_payment_response_quote_payment import QuotePaymentResponseQuotePayment
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: PaymentCreate,
    pay_hub_version: QuotePaymentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/payments/quote",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | QuotePaymentResponseQuotePayment | None:
    if response.status_code == 200:
        response_200 = QuotePaymentResponseQuotePayment.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())



        return response_500

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())



        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | QuotePaymentResponseQuotePayment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    pay_hub_version: QuotePaymentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[Problem | QuotePaymentResponseQuotePayment]:
    """ Quote Payment

     The convenience fee and surcharge this payment would carry, with the reasons, so a UI can show them
    before the customer pays. Nothing is written and no money moves; a vault token is not used up.

    Args:
        pay_hub_version (QuotePaymentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (PaymentCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | QuotePaymentResponseQuotePayment]
     """


    kwargs = _get_kwargs(
        body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    pay_hub_version: QuotePaymentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Problem | QuotePaymentResponseQuotePayment | None:
    """ Quote Payment

     The convenience fee and surcharge this payment would carry, with the reasons, so a UI can show them
    before the customer pays. Nothing is written and no money moves; a vault token is not used up.

    Args:
        pay_hub_version (QuotePaymentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (PaymentCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | QuotePaymentResponseQuotePayment
     """


    return sync_detailed(
        client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    pay_hub_version: QuotePaymentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[Problem | QuotePaymentResponseQuotePayment]:
    """ Quote Payment

     The convenience fee and surcharge this payment would carry, with the reasons, so a UI can show them
    before the customer pays. Nothing is written and no money moves; a vault token is not used up.

    Args:
        pay_hub_version (QuotePaymentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (PaymentCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | QuotePaymentResponseQuotePayment]
     """


    kwargs = _get_kwargs(
        body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PaymentCreate,
    pay_hub_version: QuotePaymentPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Problem | QuotePaymentResponseQuotePayment | None:
    """ Quote Payment

     The convenience fee and surcharge this payment would carry, with the reasons, so a UI can show them
    before the customer pays. Nothing is written and no money moves; a vault token is not used up.

    Args:
        pay_hub_version (QuotePaymentPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (PaymentCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | QuotePaymentResponseQuotePayment
     """


    return (await asyncio_detailed(
        client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )).parsed
