// Firewall rules of the PostgreSQL flexible server: one per outbound address of the web app (azure.bicep passes
// them). A module because a resource loop needs its length when the deployment starts, and the web app's addresses
// are known only once it exists; inside a module they are an ordinary parameter.

@description('Name of the existing PostgreSQL flexible server.')
param serverName string

@description('IPv4 addresses allowed to connect.')
param addresses array

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: serverName
}

// The server applies one firewall change at a time.
@batchSize(1)
resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [
  for (address, i) in addresses: {
    parent: server
    name: 'web-app-outbound-${i}'
    properties: {
      startIpAddress: address
      endIpAddress: address
    }
  }
]
