// Azure resources for one environment of Direct Routing onboarding (deployed by `arm/deploy` in teamsapp.yml):
// an App Service plan, a Linux web app on Node 22 that runs the production build (`npm run start:prod`) and serves
// the tab, the API and the bot endpoint on one origin, an Azure Database for PostgreSQL flexible server that holds
// all state (App Service's /home share is no place for SQLite), and a single-tenant Azure Bot pointing at
// https://<web app>/api/messages with the Teams channel enabled.
// Every `output` below is written by Agents Toolkit into env/.env.<env> under the same (upper-case) name; no secret
// is an output.

@maxLength(40)
@minLength(4)
@description('Base name of the plan, the web app, the database server and the bot; lower case. The web app and database server names must be globally unique.')
param resourceBaseName string

@description('App Service plan SKU. B1 or larger: the bot needs Always On.')
param appServiceSku string = 'B1'

param location string = resourceGroup().location

@description('Tenant of the provider: where operators sign in and where both Entra apps live.')
param tenantId string = subscription().tenantId

@description('Client id of the Teams SSO Entra app (AUTH_CLIENT_ID).')
param ssoClientId string

@description('Client id of the bot Entra app (MicrosoftAppId).')
param botAppId string

@description('Tenant of the bot Entra app (single-tenant bot).')
param botTenantId string

@secure()
@description('Client secret of the bot Entra app (MicrosoftAppPassword).')
param botPassword string

@secure()
@description('base64 256-bit key that seals the stored customer secrets (SECRET_KEY); generate with: openssl rand -base64 32')
param secretKey string

@secure()
@description('Password of the PostgreSQL administrator the server connects as (8 to 128 characters, three of: upper case, lower case, digits, symbols).')
param postgresAdminPassword string

@description('Login of the PostgreSQL administrator (not admin, administrator, root, guest, public, azure_*, pg_*).')
param postgresAdminLogin string = 'dronboarding'

@description('PostgreSQL compute size; Burstable B1ms suits one provider.')
param postgresSku string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresTier string = 'Burstable'

@maxLength(42)
param botDisplayName string = 'DR onboarding'

@description('The Teams app id (the manifest id, TEAMS_APP_ID): bot cards then link into the tab (TEAMS_APP_ID).')
param teamsAppId string = ''

@description('The provider name shown on the customer invitation page and in mails (PROVIDER_NAME).')
param providerName string = 'DR onboarding'

@secure()
@description('Outgoing mail for invitations, smtp://user:password@host:587 or smtps://host:465 (SMTP_URL); empty: the operator copies the link.')
param smtpUrl string = ''

@description('From address of invitation mails (MAIL_FROM); required with smtpUrl.')
param mailFrom string = ''

@description('The provider\'s multi-tenant public client app for automatic App registration (PROVISIONING_CLIENT_ID, docs/deploy.md); empty: automatic registration is off.')
param provisioningClientId string = ''

var webAppName = resourceBaseName
// The web app's own https address: invitation links are built on it (PUBLIC_URL). With a custom domain, set
// PUBLIC_URL to that domain instead.
var publicUrl = 'https://${webAppName}.azurewebsites.net'

var databaseName = 'dr_onboarding'

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true // Linux
  }
}

// Password authentication over TLS; reachable only from the web app's outbound addresses (firewall below).
resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${resourceBaseName}-pg'
  location: location
  sku: {
    name: postgresSku
    tier: postgresTier
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    // No delegated subnet: public access, limited by the firewall rules below.
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// TLS with certificate and host name checks; the server runs its migrations at start-up.
var databaseUrl = 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=verify-full'

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      alwaysOn: true
      ftpsState: 'FtpsOnly'
      minTlsVersion: '1.2'
      healthCheckPath: '/api/health'
      // The deployed bundle (npm run deploy:bundle) holds the compiled server, tab/dist and production node_modules;
      // this is `npm run start:prod` without npm in between. No build runs on App Service.
      appCommandLine: 'node --conditions=dr-compiled api/dist/main.js'
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        // App Service sets PORT; the server must listen on every interface inside the container.
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'DATABASE_URL', value: databaseUrl }
        { name: 'SECRET_KEY', value: secretKey }
        { name: 'M365_MODE', value: 'live' }
        { name: 'AUTH_MODE', value: 'entra' }
        { name: 'AUTH_TENANT_ID', value: tenantId }
        { name: 'AUTH_CLIENT_ID', value: ssoClientId }
        { name: 'MicrosoftAppId', value: botAppId }
        { name: 'MicrosoftAppPassword', value: botPassword }
        { name: 'MicrosoftAppTenantId', value: botTenantId }
        { name: 'MicrosoftAppType', value: 'SingleTenant' }
        { name: 'PUBLIC_URL', value: publicUrl }
        // App Service's front end is one proxy: the client's address is the one it puts in X-Forwarded-For.
        { name: 'TRUST_PROXY', value: '1' }
        { name: 'PROVIDER_NAME', value: providerName }
        { name: 'TEAMS_APP_ID', value: teamsAppId }
        { name: 'SMTP_URL', value: smtpUrl }
        { name: 'MAIL_FROM', value: mailFrom }
        { name: 'PROVISIONING_CLIENT_ID', value: provisioningClientId }
        // The bundle is complete: no Oryx build (it would need the dev dependencies) on the server.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
      ]
    }
  }
  dependsOn: [database]
}

// One firewall rule per address the web app may connect from (they change only with the plan's pricing tier;
// provision again after changing it).
module postgresFirewall 'postgres-firewall.bicep' = {
  name: '${resourceBaseName}-postgres-firewall'
  params: {
    serverName: postgres.name
    addresses: split(webApp.properties.possibleOutboundIpAddresses, ',')
  }
}

// New multi-tenant bot registrations are deprecated: this one is single-tenant, in the provider's tenant.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Written to env/.env.<env> by Agents Toolkit (same names).
output AZURE_WEB_APP_RESOURCE_ID string = webApp.id
output TAB_DOMAIN string = webApp.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output POSTGRES_SERVER_NAME string = postgres.name
