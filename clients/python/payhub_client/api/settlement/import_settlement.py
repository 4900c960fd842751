from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.body_import_settlement import BodyImportSettlement
from ...models.import_settlement_pay_hub_version import ImportSettlementPayHubVersion
from ...models.import_settlement_response_import_settlement import ImportSettlementResponseImportSettlement
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: BodyImportSettlement,
    pay_hub_version: ImportSettlementPayHubVersion | Unset = UNSET,
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
        "url": "/v1/settlements/import",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ImportSettlementResponseImportSettlement | Problem | None:
    if response.status_code == 201:
        response_201 = ImportSettlementResponseImportSettlement.from_dict(response.json())



        return response_201

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ImportSettlementResponseImportSettlement | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BodyImportSettlement,
    pay_hub_version: ImportSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ImportSettlementResponseImportSettlement | Problem]:
    """ Import Settlement

     Import a settlement report: all of the file or nothing. A batch (or a file) imported before gets 409
    `settlement_batch_duplicate`; wrong columns, a wrong encoding or a bad value get 422
    `settlement_file_invalid` naming the line. Each batch's journal entry is posted to the ERP. Send an
    Idempotency-Key to retry safely: a retry after a lost answer gets the import's answer, not 409.

    Args:
        pay_hub_version (ImportSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (BodyImportSettlement):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportSettlementResponseImportSettlement | Problem]
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
    body: BodyImportSettlement,
    pay_hub_version: ImportSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ImportSettlementResponseImportSettlement | Problem | None:
    """ Import Settlement

     Import a settlement report: all of the file or nothing. A batch (or a file) imported before gets 409
    `settlement_batch_duplicate`; wrong columns, a wrong encoding or a bad value get 422
    `settlement_file_invalid` naming the line. Each batch's journal entry is posted to the ERP. Send an
    Idempotency-Key to retry safely: a retry after a lost answer gets the import's answer, not 409.

    Args:
        pay_hub_version (ImportSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (BodyImportSettlement):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportSettlementResponseImportSettlement | Problem
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
    body: BodyImportSettlement,
    pay_hub_version: ImportSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[ImportSettlementResponseImportSettlement | Problem]:
    """ Import Settlement

     Import a settlement report: all of the file or nothing. A batch (or a file) imported before gets 409
    `settlement_batch_duplicate`; wrong columns, a wrong encoding or a bad value get 422
    `settlement_file_invalid` naming the line. Each batch's journal entry is posted to the ERP. Send an
    Idempotency-Key to retry safely: a retry after a lost answer gets the import's answer, not 409.

    Args:
        pay_hub_version (ImportSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (BodyImportSettlement):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportSettlementResponseImportSettlement | Problem]
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
    body: BodyImportSettlement,
    pay_hub_version: ImportSettlementPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> ImportSettlementResponseImportSettlement | Problem | None:
    """ Import Settlement

     Import a settlement report: all of the file or nothing. A batch (or a file) imported before gets 409
    `settlement_batch_duplicate`; wrong columns, a wrong encoding or a bad value get 422
    `settlement_file_invalid` naming the line. Each batch's journal entry is posted to the ERP. Send an
    Idempotency-Key to retry safely: a retry after a lost answer gets the import's answer, not 409.

    Args:
        pay_hub_version (ImportSettlementPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):
        body (BodyImportSettlement):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportSettlementResponseImportSettlement | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )).parsed
