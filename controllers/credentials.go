/*
Copyright 2026 The Security Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package controllers

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/graph"
)

// indexSecretRef is a field index of Securities by the Secret they name, so
// that a changed Secret finds its Securities without listing all of them.
const indexSecretRef = ".spec.credentials.secretRef.name"

func indexBySecretRef(o client.Object) []string {
	obj, ok := o.(*v1alpha1.Security)
	if !ok || obj.Spec.Credentials.SecretRef == nil {
		return nil
	}
	return []string{obj.Spec.Credentials.SecretRef.Name}
}

// errCredentials marks a failure that only a change to the Secret or the
// spec's credentials can fix.
var errCredentials = errors.New("invalid credentials")

// tenant builds the Graph tenant of obj with a cached credential. It reads
// the Secret straight from the API server: the manager caches no Secret
// data, only Secret metadata to notice changes.
func (r *SecurityReconciler) tenant(ctx context.Context, obj *v1alpha1.Security) (graph.Tenant, outcome, bool) {
	src, err := r.credentialSource(ctx, obj)
	if err != nil {
		return graph.Tenant{}, credentialsOutcome(err), false
	}
	cred, err := r.Credentials.Credential(src)
	if err != nil {
		return graph.Tenant{}, credentialsOutcome(err), false
	}
	r.lastCredentials.Store(keyOf(obj), usedCredential{cloud: src.Cloud, tenantID: src.TenantID, credential: cred})
	return graph.Tenant{
		ID:         obj.Spec.TenantID,
		Cloud:      cloudName(obj),
		Version:    graphVersion(obj),
		Credential: cred,
	}, outcome{}, true
}

func credentialsOutcome(err error) outcome {
	if errors.Is(err, errCredentials) || errors.Is(err, credentials.ErrInvalid) {
		return stalled(v1alpha1.ReasonCredentialsInvalid, "%s", err.Error())
	}
	return outcome{
		reason:   v1alpha1.ReasonProgressing,
		message:  err.Error(),
		retrying: true,
		err:      err,
	}
}

// credentialSource reads the credentials that obj names. Errors name the
// Secret and the key, never a value.
func (r *SecurityReconciler) credentialSource(ctx context.Context, obj *v1alpha1.Security) (credentials.Source, error) {
	src := credentials.Source{
		Cloud:    cloudName(obj),
		TenantID: obj.Spec.TenantID,
	}
	if wi := obj.Spec.Credentials.WorkloadIdentity; wi != nil {
		src.ClientID = wi.ClientID
		src.WorkloadIdentity = true
		return src, nil
	}
	ref := obj.Spec.Credentials.SecretRef
	if ref == nil {
		return src, fmt.Errorf("%w: spec.credentials names neither secretRef nor workloadIdentity", errCredentials)
	}
	secret := &corev1.Secret{}
	key := types.NamespacedName{Namespace: obj.Namespace, Name: ref.Name}
	if err := r.APIReader.Get(ctx, key, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return src, fmt.Errorf("%w: Secret %s not found", errCredentials, key)
		}
		return src, fmt.Errorf("failed to read Secret %s: %w", key, err)
	}
	return sourceFromSecret(src, secret)
}

func sourceFromSecret(src credentials.Source, secret *corev1.Secret) (credentials.Source, error) {
	name := secret.Namespace + "/" + secret.Name
	src.ClientID = string(secret.Data[v1alpha1.SecretKeyClientID])
	if src.ClientID == "" {
		return src, fmt.Errorf("%w: Secret %s has no key %s", errCredentials, name, v1alpha1.SecretKeyClientID)
	}
	if s, ok := secret.Data[v1alpha1.SecretKeyClientSecret]; ok && len(s) > 0 {
		src.ClientSecret = string(s)
		return src, nil
	}
	crt, key := secret.Data[v1alpha1.SecretKeyCertificate], secret.Data[v1alpha1.SecretKeyPrivateKey]
	if len(crt) > 0 && len(key) > 0 {
		src.CertificatePEM, src.PrivateKeyPEM = crt, key
		return src, nil
	}
	return src, fmt.Errorf("%w: Secret %s needs the key %s, or both %s and %s",
		errCredentials, name, v1alpha1.SecretKeyClientSecret,
		v1alpha1.SecretKeyCertificate, v1alpha1.SecretKeyPrivateKey)
}

func graphVersion(obj *v1alpha1.Security) string {
	if obj.Spec.GraphVersion == "" {
		return "v1.0"
	}
	return obj.Spec.GraphVersion
}
