"""OPC UA service encoding node ids (OPC 10000-6 5.2.2.9, the NodeIds.csv of the standard).

The numeric ids of the ``<Service>Request/Response_Encoding_DefaultBinary`` objects that
open every MSG body, named after the service type. Generated once from the standard's
NodeIds list (as asyncua ships it in ``asyncua.ua.object_ids``).
"""

from __future__ import annotations

# service encoding id -> service type name
SERVICE: dict[int, str] = {
    397: 'ServiceFault', 422: 'FindServersRequest', 425: 'FindServersResponse', 428: 'GetEndpointsRequest',
    431: 'GetEndpointsResponse', 437: 'RegisterServerRequest', 440: 'RegisterServerResponse',
    446: 'OpenSecureChannelRequest', 449: 'OpenSecureChannelResponse', 452: 'CloseSecureChannelRequest',
    455: 'CloseSecureChannelResponse', 461: 'CreateSessionRequest', 464: 'CreateSessionResponse',
    467: 'ActivateSessionRequest', 470: 'ActivateSessionResponse', 473: 'CloseSessionRequest',
    476: 'CloseSessionResponse', 479: 'CancelRequest', 482: 'CancelResponse', 488: 'AddNodesRequest',
    491: 'AddNodesResponse', 494: 'AddReferencesRequest', 497: 'AddReferencesResponse',
    500: 'DeleteNodesRequest', 503: 'DeleteNodesResponse', 506: 'DeleteReferencesRequest',
    509: 'DeleteReferencesResponse', 527: 'BrowseRequest', 530: 'BrowseResponse', 533: 'BrowseNextRequest',
    536: 'BrowseNextResponse', 554: 'TranslateBrowsePathsToNodeIdsRequest',
    557: 'TranslateBrowsePathsToNodeIdsResponse', 560: 'RegisterNodesRequest', 563: 'RegisterNodesResponse',
    566: 'UnregisterNodesRequest', 569: 'UnregisterNodesResponse', 615: 'QueryFirstRequest',
    618: 'QueryFirstResponse', 621: 'QueryNextRequest', 624: 'QueryNextResponse', 631: 'ReadRequest',
    634: 'ReadResponse', 664: 'HistoryReadRequest', 667: 'HistoryReadResponse', 673: 'WriteRequest',
    676: 'WriteResponse', 700: 'HistoryUpdateRequest', 703: 'HistoryUpdateResponse',
    706: 'CallMethodRequest', 712: 'CallRequest', 715: 'CallResponse', 745: 'MonitoredItemCreateRequest',
    751: 'CreateMonitoredItemsRequest', 754: 'CreateMonitoredItemsResponse',
    757: 'MonitoredItemModifyRequest', 763: 'ModifyMonitoredItemsRequest',
    766: 'ModifyMonitoredItemsResponse', 769: 'SetMonitoringModeRequest', 772: 'SetMonitoringModeResponse',
    775: 'SetTriggeringRequest', 778: 'SetTriggeringResponse', 781: 'DeleteMonitoredItemsRequest',
    784: 'DeleteMonitoredItemsResponse', 787: 'CreateSubscriptionRequest',
    790: 'CreateSubscriptionResponse', 793: 'ModifySubscriptionRequest', 796: 'ModifySubscriptionResponse',
    799: 'SetPublishingModeRequest', 802: 'SetPublishingModeResponse', 826: 'PublishRequest',
    829: 'PublishResponse', 832: 'RepublishRequest', 835: 'RepublishResponse',
    841: 'TransferSubscriptionsRequest', 844: 'TransferSubscriptionsResponse',
    847: 'DeleteSubscriptionsRequest', 850: 'DeleteSubscriptionsResponse',
    12208: 'FindServersOnNetworkRequest', 12209: 'FindServersOnNetworkResponse',
    12211: 'RegisterServer2Request', 12212: 'RegisterServer2Response',
}

# user identity token encoding id (OPC 10000-4 7.36)
IDENTITY_TOKEN: dict[int, str] = {
    318: 'UserIdentityToken', 321: 'AnonymousIdentityToken', 324: 'UserNameIdentityToken',
    327: 'X509IdentityToken', 940: 'IssuedIdentityToken',
}
