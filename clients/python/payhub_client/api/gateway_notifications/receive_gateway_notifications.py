from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.notifications_received import NotificationsReceived
from ...models.problem import Problem
from ...models.receive_gateway_notifications_body import ReceiveGatewayNotificationsBody
from ...models.receive_gateway_notifications_pay_hub_version import ReceiveGatewayNotificationsPayHubVersion
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    gateway: str,
    *,
    body: ReceiveGatewayNotificationsBody,
    pay_hub_version: ReceiveGatewayNotificationsPayHubVersion | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)




    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/gateways/{gateway}/notifications".format(gateway=quote(str(gateway), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> NotificationsReceived | Problem | None:
    if response.status_code == 200:
        response_200 = NotificationsReceived.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[NotificationsReceived | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    gateway: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveGatewayNotificationsBody,
    pay_hub_version: ReceiveGatewayNotificationsPayHubVersion | Unset = UNSET,

) -> Response[NotificationsReceived | Problem]:
    """ Receive Notifications

     Called by the gateway's provider. Verified by the connector (Stripe-Signature, Adyen's HMAC, the
    simulator's Simulator-Signature); 404 for a gateway that is not configured or takes no
    notifications.
    Disputes are opened and resolved, late authorization results resolve payments whose outcome was
    unknown,
    payouts are recorded. Each provider event is handled once.

    Args:
        gateway (str):
        pay_hub_version (ReceiveGatewayNotificationsPayHubVersion | Unset):
        body (ReceiveGatewayNotificationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationsReceived | Problem]
     """


    kwargs = _get_kwargs(
        gateway=gateway,
body=body,
pay_hub_version=pay_hub_version,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    gateway: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveGatewayNotificationsBody,
    pay_hub_version: ReceiveGatewayNotificationsPayHubVersion | Unset = UNSET,

) -> NotificationsReceived | Problem | None:
    """ Receive Notifications

     Called by the gateway's provider. Verified by the connector (Stripe-Signature, Adyen's HMAC, the
    simulator's Simulator-Signature); 404 for a gateway that is not configured or takes no
    notifications.
    Disputes are opened and resolved, late authorization results resolve payments whose outcome was
    unknown,
    payouts are recorded. Each provider event is handled once.

    Args:
        gateway (str):
        pay_hub_version (ReceiveGatewayNotificationsPayHubVersion | Unset):
        body (ReceiveGatewayNotificationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationsReceived | Problem
     """


    return sync_detailed(
        gateway=gateway,
client=client,
body=body,
pay_hub_version=pay_hub_version,

    ).parsed

async def asyncio_detailed(
    gateway: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveGatewayNotificationsBody,
    pay_hub_version: ReceiveGatewayNotificationsPayHubVersion | Unset = UNSET,

) -> Response[NotificationsReceived | Problem]:
    """ Receive Notifications

     Called by the gateway's provider. Verified by the connector (Stripe-Signature, Adyen's HMAC, the
    simulator's Simulator-Signature); 404 for a gateway that is not configured or takes no
    notifications.
    Disputes are opened and resolved, late authorization results resolve payments whose outcome was
    unknown,
    payouts are recorded. Each provider event is handled once.

    Args:
        gateway (str):
        pay_hub_version (ReceiveGatewayNotificationsPayHubVersion | Unset):
        body (ReceiveGatewayNotificationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationsReceived | Problem]
     """


    kwargs = _get_kwargs(
        gateway=gateway,
body=body,
pay_hub_version=pay_hub_version,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    gateway: str,
    *,
    client: AuthenticatedClient | Client,
    body: ReceiveGatewayNotificationsBody,
    pay_hub_version: ReceiveGatewayNotificationsPayHubVersion | Unset = UNSET,

) -> NotificationsReceived | Problem | None:
    """ Receive Notifications

     Called by the gateway's provider. Verified by the connector (Stripe-Signature, Adyen's HMAC, the
    simulator's Simulator-Signature); 404 for a gateway that is not configured or takes no
    notifications.
    Disputes are opened and resolved, late authorization results resolve payments whose outcome was
    unknown,
    payouts are recorded. Each provider event is handled once.

    Args:
        gateway (str):
        pay_hub_version (ReceiveGatewayNotificationsPayHubVersion | Unset):
        body (ReceiveGatewayNotificationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationsReceived | Problem
     """


    return (await asyncio_detailed(
        gateway=gateway,
client=client,
body=body,
pay_hub_version=pay_hub_version,

    )).parsed
