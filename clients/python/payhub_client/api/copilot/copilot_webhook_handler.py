from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.copilot_webhook_handler_pay_hub_version import CopilotWebhookHandlerPayHubVersion
from ...models.copilot_webhook_handler_response_copilot_webhook_handler import CopilotWebhookHandlerResponseCopilotWebhookHandler
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    framework: str,
    scenario: str | Unset = 'plain',
    pay_hub_version: CopilotWebhookHandlerPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    params["framework"] = framework

    params["scenario"] = scenario


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/copilot/handlers",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem | None:
    if response.status_code == 200:
        response_200 = CopilotWebhookHandlerResponseCopilotWebhookHandler.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    framework: str,
    scenario: str | Unset = 'plain',
    pay_hub_version: CopilotWebhookHandlerPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem]:
    """ Webhook Handler

     A webhook handler for a framework: verifies Standard Webhooks signatures on the raw body in constant
    time,
    dedupes on `webhook-id`, skips events older than the object's latest, answers 2xx and works in the
    background;
    with a scenario's work (a chat notification, a CRM activity, an ERP workflow).

    Args:
        framework (str): fastapi | flask | django | express | aspnet
        scenario (str | Unset): plain | chat | crm | erp Default: 'plain'.
        pay_hub_version (CopilotWebhookHandlerPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem]
     """


    kwargs = _get_kwargs(
        framework=framework,
scenario=scenario,
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
    framework: str,
    scenario: str | Unset = 'plain',
    pay_hub_version: CopilotWebhookHandlerPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem | None:
    """ Webhook Handler

     A webhook handler for a framework: verifies Standard Webhooks signatures on the raw body in constant
    time,
    dedupes on `webhook-id`, skips events older than the object's latest, answers 2xx and works in the
    background;
    with a scenario's work (a chat notification, a CRM activity, an ERP workflow).

    Args:
        framework (str): fastapi | flask | django | express | aspnet
        scenario (str | Unset): plain | chat | crm | erp Default: 'plain'.
        pay_hub_version (CopilotWebhookHandlerPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem
     """


    return sync_detailed(
        client=client,
framework=framework,
scenario=scenario,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    framework: str,
    scenario: str | Unset = 'plain',
    pay_hub_version: CopilotWebhookHandlerPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem]:
    """ Webhook Handler

     A webhook handler for a framework: verifies Standard Webhooks signatures on the raw body in constant
    time,
    dedupes on `webhook-id`, skips events older than the object's latest, answers 2xx and works in the
    background;
    with a scenario's work (a chat notification, a CRM activity, an ERP workflow).

    Args:
        framework (str): fastapi | flask | django | express | aspnet
        scenario (str | Unset): plain | chat | crm | erp Default: 'plain'.
        pay_hub_version (CopilotWebhookHandlerPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem]
     """


    kwargs = _get_kwargs(
        framework=framework,
scenario=scenario,
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
    framework: str,
    scenario: str | Unset = 'plain',
    pay_hub_version: CopilotWebhookHandlerPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem | None:
    """ Webhook Handler

     A webhook handler for a framework: verifies Standard Webhooks signatures on the raw body in constant
    time,
    dedupes on `webhook-id`, skips events older than the object's latest, answers 2xx and works in the
    background;
    with a scenario's work (a chat notification, a CRM activity, an ERP workflow).

    Args:
        framework (str): fastapi | flask | django | express | aspnet
        scenario (str | Unset): plain | chat | crm | erp Default: 'plain'.
        pay_hub_version (CopilotWebhookHandlerPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CopilotWebhookHandlerResponseCopilotWebhookHandler | Problem
     """


    return (await asyncio_detailed(
        client=client,
framework=framework,
scenario=scenario,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
